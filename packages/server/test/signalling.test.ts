import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer, type TestSocket } from './helpers/test-server.js';

describe('signalling over /rtc', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ CONFAB_RECONNECT_GRACE_MS: '300' });
  });
  after(async () => {
    await t.stop();
  });

  async function connect(userId: string, extra = {}): Promise<TestSocket> {
    const s = await t.connect(await t.token(userId, extra));
    await s.waitForEvent('connection.ok');
    return s;
  }

  it('says connection.ok with the token user', async () => {
    const s = await connect('alice');
    const ok = await s.waitForEvent('connection.ok');
    assert.equal(ok.payload.userId, 'alice');
    assert.ok(ok.payload.connectionId);
  });

  it('answers malformed JSON with INVALID_ARGUMENT and stays usable', async () => {
    const s = await connect('alice');
    s.sendRaw('{not json');
    const err = await s.waitFor((m) => m.type === 'response' && m.ok === false);
    assert.equal(err.error!.code, 'INVALID_ARGUMENT');
    assert.equal(err.requestId, null);
    assert.ok((await s.ok('ping')).now > 0);
  });

  it('answers an unknown type with INVALID_ARGUMENT and the request id', async () => {
    const s = await connect('alice');
    const res = await s.request('rocket.launch', {});
    assert.equal(res.ok, false);
    assert.equal(res.error!.code, 'INVALID_ARGUMENT');
    assert.match(res.error!.message, /unknown message type/);
  });

  it('refuses an invalid payload, naming the field', async () => {
    const s = await connect('alice');
    const res = await s.request('call.get', { type: 'p2p', id: 'bad id!' });
    assert.equal(res.error!.code, 'INVALID_ARGUMENT');
    assert.match(res.error!.message, /id/);
  });

  it('refuses a message for a call the socket has not joined, and changes nothing', async () => {
    const a = await connect('alice');
    await a.ok('call.join', { type: 'p2p', id: 'not-mine', create: true });
    const b = await connect('bob');
    for (const [type, payload] of [
      ['message.send', { cid: 'p2p:not-mine', data: { text: 'sneaky' } }],
      ['signal', { cid: 'p2p:not-mine', to: 'whatever', candidate: null }],
      ['tracks.update', { cid: 'p2p:not-mine', publishedTracks: ['video'], streams: [] }],
      ['call.leave', { cid: 'p2p:not-mine' }],
    ] as const) {
      const res = await b.request(type, payload);
      assert.equal(res.error?.code, 'NOT_FOUND', type);
    }
    const { participants } = await a.ok('call.join', { type: 'p2p', id: 'not-mine-2', create: true });
    assert.equal(participants.length, 1);
    assert.equal(a.received.filter((m) => m.type === 'message' || m.type === 'participant.updated').length, 0);
  });

  it('closes an oversized message with 1009', async () => {
    const s = await connect('alice');
    s.sendRaw(JSON.stringify({ type: 'ping', requestId: 'x', payload: { pad: 'x'.repeat(1024 * 1024 + 10) } }));
    const closed = await s.closed;
    assert.equal(closed.code, 1009);
  });

  it('rate limits a flood and stays usable', async () => {
    const s = await connect('flooder');
    for (let i = 0; i < 400; i++) s.sendRaw(JSON.stringify({ type: 'ping', requestId: `f${i}`, payload: {} }));
    const limited = await s.waitFor((m) => m.type === 'response' && m.error?.code === 'RATE_LIMITED');
    assert.ok(limited);
    const answered = s.received.filter((m) => m.type === 'response' && m.ok).length;
    assert.ok(answered < 400, `answered ${answered}`);
    // The bucket refills: the socket is still usable.
    await new Promise((r) => setTimeout(r, 200));
    assert.ok((await s.ok('ping')).now > 0);
  });

  it('does not let a connection switch users', async () => {
    const s = await connect('alice');
    const res = await s.request('auth', { token: await t.token('mallory') });
    assert.equal(res.error?.code, 'FORBIDDEN');
    const { call } = await s.ok('call.getOrCreate', { type: 'p2p', id: 'switch-check' });
    assert.equal(call.createdBy, 'alice');
  });

  it('keeps a token limited by call_cids to its calls', async () => {
    const s = await connect('carol', { callCids: ['p2p:allowed'] });
    const refused = await s.request('call.join', { type: 'p2p', id: 'other', create: true });
    assert.equal(refused.error?.code, 'FORBIDDEN');
    const get = await s.request('call.get', { type: 'p2p', id: 'other' });
    assert.equal(get.error?.code, 'FORBIDDEN');
    const ok = await s.ok('call.join', { type: 'p2p', id: 'allowed', create: true });
    assert.ok(ok.sessionId);
  });

  it('refuses the fifth participant of a p2p call with CALL_FULL', async () => {
    const sockets = await Promise.all(['u1', 'u2', 'u3', 'u4', 'u5'].map((u) => connect(u)));
    for (const s of sockets.slice(0, 4)) await s.ok('call.join', { type: 'p2p', id: 'full', create: true });
    const fifth = await sockets[4]!.request('call.join', { type: 'p2p', id: 'full' });
    assert.equal(fifth.error?.code, 'CALL_FULL');
    const leave = await sockets[0]!.request('call.leave', { cid: 'p2p:full' });
    assert.equal(leave.ok, true);
    assert.ok((await sockets[4]!.ok('call.join', { type: 'p2p', id: 'full' })).sessionId);
  });

  it('relays signals only to a session of the same call', async () => {
    const a = await connect('sa');
    const b = await connect('sb');
    await a.ok('call.join', { type: 'p2p', id: 'relay', create: true });
    const { sessionId: bs } = await b.ok('call.join', { type: 'p2p', id: 'relay' });
    const joined = await a.waitForEvent('participant.joined');
    assert.equal(joined.payload.participant.sessionId, bs);
    const as = (await b.waitFor((m) => m.type === 'response' && !!m.result?.participants)).result.participants.find((p: any) => p.userId === 'sa').sessionId;
    await a.ok('signal', { cid: 'p2p:relay', to: bs, description: { type: 'offer', sdp: 'v=0\r\n' } });
    const sig = await b.waitForEvent('signal');
    assert.equal(sig.payload.from, as);
    assert.equal(sig.payload.description.type, 'offer');
    const wrong = await a.request('signal', { cid: 'p2p:relay', to: 'no-such-session', candidate: null });
    assert.equal(wrong.error?.code, 'NOT_FOUND');
  });

  it('delivers messages in order with increasing sequence numbers', async () => {
    const a = await connect('ma');
    const b = await connect('mb');
    await a.ok('call.join', { type: 'p2p', id: 'chat', create: true });
    await b.ok('call.join', { type: 'p2p', id: 'chat' });
    const sends = Array.from({ length: 20 }, (_, i) => a.request('message.send', { cid: 'p2p:chat', data: { i } }));
    await Promise.all(sends);
    await b.waitFor(() => b.received.filter((m) => m.type === 'message').length === 20, '20 messages');
    const got = b.received.filter((m) => m.type === 'message').map((m) => m.payload.message);
    assert.deepEqual(got.map((m) => m.data.i), [...Array(20).keys()]);
    const seqs = got.map((m) => m.seq);
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
    assert.equal(new Set(seqs).size, 20);
    const big = await a.request('message.send', { cid: 'p2p:chat', data: { text: 'x'.repeat(70 * 1024) } });
    assert.equal(big.error?.code, 'INVALID_ARGUMENT');
  });

  it('ends a dropped session after the grace period with reason timeout', async () => {
    const a = await connect('ga');
    const b = await connect('gb');
    await a.ok('call.join', { type: 'p2p', id: 'grace', create: true });
    const { sessionId } = await b.ok('call.join', { type: 'p2p', id: 'grace' });
    b.terminate();
    const left = await a.waitForEvent('participant.left', (p) => p.sessionId === sessionId, 5000);
    assert.equal(left.payload.reason, 'timeout');
    assert.equal(left.payload.userId, 'gb');
  });
});

describe('connecting with a bad token', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.stop();
  });

  it('gets UNAUTHENTICATED and close 4001', async () => {
    const s = await t.connect('not.a.token');
    const err = await s.waitFor((m) => m.type === 'response' && m.ok === false);
    assert.equal(err.error!.code, 'UNAUTHENTICATED');
    assert.equal((await s.closed).code, 4001);
  });

  it('may authenticate with a first auth message instead of the query parameter', async () => {
    const s = await import('./helpers/test-server.js').then((m) => (m.TestSocket as any).open(`${t.url.replace('http', 'ws')}/rtc`));
    const before = await s.request('ping');
    assert.equal(before.error?.code, 'UNAUTHENTICATED');
    const res = await s.ok('auth', { token: await t.token('late') });
    assert.equal(res.userId, 'late');
    assert.ok((await s.ok('ping')).now > 0);
    s.terminate();
  });
});

describe('storage', () => {
  it('keeps a call across a server restart', async () => {
    const first = await startTestServer();
    const s = await first.connect(await first.token('alice'));
    await s.ok('call.getOrCreate', { type: 'p2p', id: 'durable', custom: { topic: 'standup' }, members: [{ userId: 'bob' }] });
    await first.stop({ keepData: true });
    const second = await startTestServer({}, first.dataDir);
    try {
      const s2 = await second.connect(await second.token('bob'));
      const { call } = await s2.ok('call.get', { type: 'p2p', id: 'durable' });
      assert.deepEqual(call.custom, { topic: 'standup' });
      assert.equal(call.createdBy, 'alice');
      assert.deepEqual(call.members, [{ userId: 'bob' }]);
      const missing = await s2.request('call.get', { type: 'p2p', id: 'nope' });
      assert.equal(missing.error?.code, 'NOT_FOUND');
    } finally {
      await second.stop();
      (await import('node:fs')).rmSync(first.dataDir, { recursive: true, force: true });
    }
  });
});
