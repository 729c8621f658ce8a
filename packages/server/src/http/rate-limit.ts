import type { FastifyInstance } from 'fastify';
import { TokenBucket } from '../gateway/rate-limit.js';
import { sendError } from './errors.js';

/** Buckets kept at most; past this the least recently created go (a flood of spoofed IPs stays bounded). */
const MAX_TRACKED_IPS = 50_000;

/** Per-IP token bucket on the REST API (`/api/`): `perSecond` sustained, twice that in a burst. */
export function installRateLimit(app: FastifyInstance, perSecond: number): void {
  const buckets = new Map<string, TokenBucket>();
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    let bucket = buckets.get(request.ip);
    if (!bucket) {
      if (buckets.size >= MAX_TRACKED_IPS) buckets.delete(buckets.keys().next().value!);
      buckets.set(request.ip, (bucket = new TokenBucket(perSecond * 2, perSecond)));
    }
    if (!bucket.take()) return sendError(reply.header('retry-after', '1'), 'RATE_LIMITED', 'too many requests; slow down');
  });
}
