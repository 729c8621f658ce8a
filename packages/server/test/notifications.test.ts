import assert from 'node:assert/strict';
import { createECDH, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
// http_ece is what web-push encrypts with; here it plays the browser's side and decrypts.
// @ts-expect-error no type declarations
import ece from 'http_ece';
import { startTestServer, type TestServer, type TestSocket } from './helpers/test-server.js';

interface Hit {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A loopback HTTP server recording requests; `status` decides each answer. */
async function receiver(status: (hit: Hit, n: number) => number): Promise<{ url: string; hits: Hit[]; close(): Promise<void>; next(n: number, timeoutMs?: number): Promise<Hit> }> {
  const hits: Hit[] = [];
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const hit = { url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      hits.push(hit);
      res.statusCode = status(hit, hits.length);
      res.end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise((r) => server.close(() => r())),
    async next(n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (hits.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} requests, got ${hits.length}`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, 100);
          waiters.push(() => (clearTimeout(t), r()));
        });
      }
      return hits[n - 1]!;
    },
  };
}

/** What an app server does with a Confab webhook: check the HMAC of `t.body` and the age of t. */
function verifyAsAppServer(secret: string, body: string, header: string): boolean {
  const { t, v1 } = Object.fromEntries(header.split(',').map((p) => p.split('=')));
  if (Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const mac = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(v1 ?? '', 'hex');
  return given.length === mac.length && timingSafeEqual(given, mac);
}

describe('webhooks', () => {
  const secret = 'whsec_test_secret_value';
  let hooks: Awaited<ReturnType<typeof receiver>>;
  let t: TestServer;
  before(async () => {
    // The first delivery attempt fails, to exercise the retry.
    hooks = await receiver((_hit, n) => (n === 1 ? 500 : 200));
    t = await startTestServer({ CONFAB_WEBHOOK_URLS: `${hooks.url}/confab`, CONFAB_WEBHOOK_SECRET: secret, CONFAB_WEBHOOK_RETRY_BASE_MS: '50' });
  });
  after(async () => {
    await t.stop();
    await hooks.close();
  });

  it('posts a signed call.ring, retries a failure, and records the delivery', async () => {
    const caller = await t.connect(await t.token('w-alice', { name: 'Alice' }));
    await caller.ok('call.getOrCreate', { type: 'p2p', id: 'hooked', ring: true, members: [{ userId: 'w-bob' }], custom: { topic: 'x' } });
    const first = await hooks.next(1);
    const retried = await hooks.next(2);
    assert.equal(first.headers['confab-webhook-id'], retried.headers['confab-webhook-id']);
    const body = retried.body.toString('utf8');
    assert.ok(verifyAsAppServer(secret, body, String(retried.headers['confab-signature'])));
    assert.equal(verifyAsAppServer('wrong-secret', body, String(retried.headers['confab-signature'])), false);
    assert.equal(verifyAsAppServer(secret, body.replace('w-bob', 'w-eve'), String(retried.headers['confab-signature'])), false);
    const event = JSON.parse(body);
    assert.equal(event.type, 'call.ring');
    assert.equal(event.data.call.cid, 'p2p:hooked');
    assert.deepEqual(event.data.from, { userId: 'w-alice', name: 'Alice' });
    assert.deepEqual(event.data.recipients, [{ userId: 'w-bob', online: false }]);
    const { apiKey, apiSecret } = t.server.credentials;
    const res = await fetch(`${t.url}/api/v1/webhooks/deliveries`, { headers: { authorization: `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString('base64')}` } });
    const { deliveries } = (await res.json()) as any;
    const record = deliveries.find((d: any) => d.id === event.id);
    assert.equal(record.status, 'delivered');
    assert.equal(record.attempts, 2);
  });
});

describe('web push', () => {
  let pushService: Awaited<ReturnType<typeof receiver>>;
  let t: TestServer;
  let caller: TestSocket;
  const browserKeys = createECDH('prime256v1');
  browserKeys.generateKeys();
  const auth = randomBytes(16);

  before(async () => {
    // The endpoint path "gone" answers 410 like a push service whose subscription expired.
    pushService = await receiver((hit) => (hit.url.includes('gone') ? 410 : 201));
    t = await startTestServer();
    caller = await t.connect(await t.token('p-alice', { name: 'Alice' }));
  });
  after(async () => {
    await t.stop();
    await pushService.close();
  });

  async function subscribe(userId: string, path: string): Promise<void> {
    const res = await fetch(`${t.url}/api/v1/push/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token(userId)}` },
      body: JSON.stringify({ endpoint: `${pushService.url}${path}`, keys: { p256dh: browserKeys.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } }),
    });
    assert.equal(res.status, 200);
  }

  function decrypt(hit: Hit): any {
    return JSON.parse(ece.decrypt(hit.body, { version: 'aes128gcm', privateKey: browserKeys, authSecret: auth.toString('base64url') }).toString('utf8'));
  }

  it('serves the VAPID public key', async () => {
    const { publicKey } = (await (await fetch(`${t.url}/api/v1/push/vapid-public-key`)).json()) as any;
    assert.equal(Buffer.from(publicKey, 'base64url').length, 65);
  });

  it('pushes the ring to a member with no connected device, and withdraws it when the ring ends', async () => {
    await subscribe('p-bob', '/push/bob');
    await caller.ok('call.join', { type: 'p2p', id: 'pushed', create: true, ring: true, members: [{ userId: 'p-bob' }], custom: { topic: 'y' } });
    const hit = await pushService.next(1);
    assert.equal(hit.url, '/push/bob');
    assert.equal(hit.headers['content-encoding'], 'aes128gcm');
    assert.equal(hit.headers.urgency, 'high');
    assert.equal(hit.headers.ttl, '30');
    assert.match(String(hit.headers.authorization), /^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]+$/);
    const payload = decrypt(hit);
    assert.deepEqual(payload, {
      type: 'call.ring', cid: 'p2p:pushed', callType: 'p2p', callId: 'pushed',
      from: { userId: 'p-alice', name: 'Alice' }, custom: { topic: 'y' }, url: '/call/p2p/pushed?incoming=1',
    });
    await caller.ok('call.leave', { cid: 'p2p:pushed' });
    const stop = decrypt(await pushService.next(2));
    assert.equal(stop.type, 'call.ring.stopped');
    assert.equal(stop.cid, 'p2p:pushed');
    assert.equal(stop.reason, 'cancelled');
  });

  it('does not push to a member who has a connected device', async () => {
    await subscribe('p-carol', '/push/carol');
    const carol = await t.connect(await t.token('p-carol'));
    await carol.waitForEvent('connection.ok');
    const before = pushService.hits.length;
    await caller.ok('call.getOrCreate', { type: 'p2p', id: 'online', ring: true, members: [{ userId: 'p-carol' }] });
    await carol.waitForEvent('call.ring');
    await caller.ok('call.leave', { cid: 'p2p:online' });
    await carol.waitForEvent('call.ring.stopped');
    assert.equal(pushService.hits.length, before);
  });

  it('forgets a subscription the push service says is gone', async () => {
    await subscribe('p-dan', '/push/gone');
    const before = pushService.hits.length;
    await caller.ok('call.getOrCreate', { type: 'p2p', id: 'gone', ring: true, members: [{ userId: 'p-dan' }] });
    await pushService.next(before + 1);
    const token = await t.token('p-dan');
    const deadline = Date.now() + 5000;
    let subscriptions: unknown[] = [{}];
    while (subscriptions.length > 0 && Date.now() < deadline) {
      const res = await fetch(`${t.url}/api/v1/push/subscriptions`, { headers: { authorization: `Bearer ${token}` } });
      ({ subscriptions } = (await res.json()) as any);
      if (subscriptions.length > 0) await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(subscriptions, []);
  });
});
