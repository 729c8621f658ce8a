import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { TokenClaims } from '../auth/tokens.js';
import type { ApiCredentials } from '../config/secrets.js';
import { ServiceError } from '../errors.js';

export async function bearerClaims(request: FastifyRequest, verify: (token: string) => Promise<TokenClaims>): Promise<TokenClaims> {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new ServiceError('UNAUTHENTICATED', 'send Authorization: Bearer <token>');
  return verify(match[1]!);
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Server-to-server calls authenticate with the API key and secret (HTTP Basic). */
export function requireApiKey(request: FastifyRequest, credentials: ApiCredentials): void {
  const match = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon < 0 || !same(decoded.slice(0, colon), credentials.apiKey) || !same(decoded.slice(colon + 1), credentials.apiSecret)) {
    throw new ServiceError('UNAUTHENTICATED', 'send Authorization: Basic base64(apiKey:apiSecret)');
  }
}
