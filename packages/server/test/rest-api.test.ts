import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './helpers/test-server.js';

describe('HTTP and REST API', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.stop();
  });

  const json = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${t.url}${path}`, init);
    return { status: res.status, body: (await res.json()) as any };
  };
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    json(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('answers health and readiness', async () => {
    assert.deepEqual(await json('/healthz'), { status: 200, body: { status: 'ok' } });
    assert.equal((await json('/readyz')).status, 200);
  });

  it('hands out demo tokens that work on the REST API', async () => {
    const { status, body } = await post('/api/demo/token', { userId: 'alice', name: 'Alice' });
    assert.equal(status, 200);
    const auth = { authorization: `Bearer ${body.token}` };
    const created = await post('/api/v1/calls/p2p/rest-call', { custom: { topic: 'x' } }, auth);
    assert.equal(created.status, 200);
    assert.equal(created.body.created, true);
    assert.equal(created.body.call.createdBy, 'alice');
    const read = await json('/api/v1/calls/p2p/rest-call', { headers: auth });
    assert.deepEqual(read.body.call.custom, { topic: 'x' });
    const participants = await json('/api/v1/calls/p2p/rest-call/participants', { headers: auth });
    assert.deepEqual(participants.body, { participants: [] });
  });

  it('refuses a bad demo request with INVALID_ARGUMENT', async () => {
    const { status, body } = await post('/api/demo/token', { userId: 'has space' });
    assert.equal(status, 400);
    assert.equal(body.error.code, 'INVALID_ARGUMENT');
  });

  it('answers errors as {error:{code,message}} with a fitting status', async () => {
    assert.deepEqual((await json('/api/v1/calls/p2p/x')).body.error.code, 'UNAUTHENTICATED');
    assert.equal((await json('/api/v1/calls/p2p/x')).status, 401);
    const bad = await json('/api/v1/calls/p2p/x', { headers: { authorization: 'Bearer nope' } });
    assert.equal(bad.status, 401);
    const token = await t.token('bob');
    const missing = await json('/api/v1/calls/p2p/missing', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'NOT_FOUND');
    const unknown = await json('/api/v1/nothing-here');
    assert.equal(unknown.status, 404);
    const broken = await json('/api/demo/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
    assert.equal(broken.status, 400);
    assert.equal(broken.body.error.code, 'INVALID_ARGUMENT');
    assert.equal(JSON.stringify(broken.body).includes('at '), false);
  });

  it('refuses a body over the limit', async () => {
    const { status, body } = await post('/api/demo/token', { userId: 'a', pad: 'x'.repeat(2 * 1024 * 1024) });
    assert.equal(status, 400);
    assert.equal(body.error.code, 'INVALID_ARGUMENT');
  });

  it('mints tokens for app servers with the API key and secret', async () => {
    const { apiKey, apiSecret } = t.server.credentials;
    const basic = `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString('base64')}`;
    const ok = await post('/api/v1/tokens', { userId: 'carol', role: 'host', ttlSeconds: 60 }, { authorization: basic });
    assert.equal(ok.status, 200);
    assert.ok(ok.body.token);
    const wrong = await post('/api/v1/tokens', { userId: 'carol' }, { authorization: `Basic ${Buffer.from(`${apiKey}:nope`).toString('base64')}` });
    assert.equal(wrong.status, 401);
  });

  it('serves an OpenAPI document of the REST API', async () => {
    const { body } = await json('/api/v1/openapi.json');
    assert.equal(body.openapi, '3.1.0');
    assert.ok(body.paths['/api/v1/calls/{type}/{id}'].get);
    assert.ok(body.paths['/api/v1/calls/{type}/{id}'].post.requestBody);
    assert.ok(body.paths['/api/v1/tokens'].post);
  });
});

describe('demo mode off', () => {
  it('has no demo token endpoint', async () => {
    const t = await startTestServer({ CONFAB_DEMO: '0' });
    try {
      const res = await fetch(`${t.url}/api/demo/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"userId":"a"}' });
      assert.equal(res.status, 404);
    } finally {
      await t.stop();
    }
  });
});

describe('call types through the REST API', () => {
  it('lets an admin change role grants (guests may then publish); others are refused', async () => {
    const t = await startTestServer();
    try {
      const put = async (token: string, name: string, body: unknown) =>
        fetch(`${t.url}/api/v1/call-types/${name}`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
      const grants = {
        admin: ['join-call', 'kick', 'end-call'],
        user: ['create-call', 'join-call', 'publish-audio', 'send-message'],
        guest: ['join-call', 'publish-audio'],
      };
      const byUser = await put(await t.token('plain'), 'webinar', { mediaPath: 'p2p', maxParticipants: 3, grants });
      assert.equal(byUser.status, 403);
      const byAdmin = await put(await t.token('root', { role: 'admin' }), 'webinar', { mediaPath: 'p2p', maxParticipants: 3, grants });
      assert.equal(byAdmin.status, 200);
      const list = (await (await fetch(`${t.url}/api/v1/call-types`, { headers: { authorization: `Bearer ${await t.token('plain')}` } })).json()) as any;
      assert.deepEqual(list.callTypes.map((c: any) => c.name).sort(), ['audio_room', 'default', 'p2p', 'webinar']);
      const host = await t.connect(await t.token('w-host'));
      await host.ok('call.join', { type: 'webinar', id: 'w1', create: true });
      const guest = await t.connect(await t.token('w-guest', { role: 'guest' }));
      const joined = await guest.ok('call.join', { type: 'webinar', id: 'w1', publish: { publishedTracks: ['audio'], streams: [] } });
      assert.ok(joined.ownCapabilities.includes('publish-audio'));
      const video = await guest.request('tracks.update', { cid: 'webinar:w1', publishedTracks: ['audio', 'video'], streams: [] });
      assert.equal(video.error?.code, 'FORBIDDEN');
      const bad = await put(await t.token('root', { role: 'admin' }), 'webinar', { mediaPath: 'p2p', maxParticipants: 3, grants: { user: ['fly'] } });
      assert.equal(bad.status, 400);
    } finally {
      await t.stop();
    }
  });
});

describe('metrics', () => {
  it('serves Prometheus text whose counters move with traffic', async () => {
    const t = await startTestServer();
    try {
      const scrape = async () => (await (await fetch(`${t.url}/metrics`)).text()) as string;
      const value = (text: string, name: string) => {
        const line = text.split('\n').find((l) => l.startsWith(name));
        return line ? Number(line.split(' ').at(-1)) : NaN;
      };
      const before = await scrape();
      assert.match(before, /^# HELP confab_calls /m);
      assert.match(before, /^# TYPE confab_signal_request_duration_seconds histogram$/m);
      assert.match(before, /^confab_process_resident_memory_bytes \d+/m);
      assert.match(before, /^confab_nodejs_eventloop_lag_seconds /m);
      assert.equal(value(before, 'confab_participants'), 0);
      // Every non-comment line is "name{labels} value" (prom-client writes NaN as "Nan" before it has samples).
      for (const line of before.split('\n').filter((l) => l && !l.startsWith('#'))) {
        assert.match(line, /^[a-zA-Z_:][\w:]*(\{[^}]*\})? ([-+]?[\d.]+(e[-+]?\d+)?|NaN|Nan|[-+]Inf)$/i);
      }
      const s = await t.connect(await t.token('metric-user'));
      await s.ok('call.join', { type: 'p2p', id: 'metered', create: true });
      const after = await scrape();
      assert.equal(value(after, 'confab_participants'), 1);
      assert.equal(value(after, 'confab_calls'), 1);
      assert.equal(value(after, 'confab_connections'), 1);
      assert.equal(value(after, 'confab_signal_requests_total{type="call.join",outcome="ok"}'), 1);
      assert.equal(value(after, 'confab_signal_request_duration_seconds_count{type="call.join"}'), 1);
    } finally {
      await t.stop();
    }
  });
});
