import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer, type TestSocket } from './helpers/test-server.js';

describe('recovery on the server: resume, rejoin, replay, idempotent sends', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ CONFAB_RECONNECT_GRACE_MS: '2000' });
  });
  after(async () => {
    await t.stop();
  });

  async function connect(userId: string): Promise<TestSocket> {
    const s = await t.connect(await t.token(userId));
    await s.waitForEvent('connection.ok');
    return s;
  }

  it('resumes a session on a new connection within the grace period, replaying what it missed', async () => {
    const a = await connect('fa');
    const b = await connect('fb');
    await a.ok('call.join', { type: 'p2p', id: 'fast', create: true });
    const { sessionId } = await b.ok('call.join', { type: 'p2p', id: 'fast' });
    await a.ok('message.send', { cid: 'p2p:fast', data: { n: 1 } });
    await b.waitForEvent('message');
    b.terminate();
    for (const n of [2, 3, 4]) await a.ok('message.send', { cid: 'p2p:fast', data: { n } });
    const b2 = await connect('fb');
    const resumed = await b2.ok('call.resume', { cid: 'p2p:fast', sessionId, lastSeq: 1 });
    assert.equal(resumed.sessionId, sessionId);
    assert.deepEqual(resumed.missedMessages.map((m: any) => m.data.n), [2, 3, 4]);
    await a.ok('message.send', { cid: 'p2p:fast', data: { n: 5 } });
    const live = await b2.waitForEvent('message');
    assert.equal(live.payload.message.data.n, 5);
    // Nobody saw the session leave.
    await new Promise((r) => setTimeout(r, 2200));
    assert.equal(a.received.some((m) => m.type === 'participant.left'), false);
  });

  it('answers NOT_FOUND for a session that is gone, and a REJOIN replaces it', async () => {
    const a = await connect('ra');
    const b = await connect('rb');
    await a.ok('call.join', { type: 'p2p', id: 'rejoin', create: true });
    const { sessionId } = await b.ok('call.join', { type: 'p2p', id: 'rejoin' });
    const gone = await b.request('call.resume', { cid: 'p2p:rejoin', sessionId: 'no-such-session' });
    assert.equal(gone.error?.code, 'NOT_FOUND');
    const other = await a.request('call.resume', { cid: 'p2p:rejoin', sessionId });
    assert.equal(other.error?.code, 'FORBIDDEN');
    await a.ok('message.send', { cid: 'p2p:rejoin', data: { n: 1 }, to: ['rb'] });
    await a.ok('message.send', { cid: 'p2p:rejoin', data: { n: 2 }, to: ['someone-else'] });
    b.terminate();
    const b2 = await connect('rb');
    const rejoined = await b2.ok('call.join', { type: 'p2p', id: 'rejoin', previousSessionId: sessionId, lastSeq: 0 });
    assert.notEqual(rejoined.sessionId, sessionId);
    assert.deepEqual(rejoined.missedMessages.map((m: any) => m.data.n), [1]);
    assert.equal(rejoined.participants.length, 2);
    const left = await a.waitForEvent('participant.left', (p) => p.sessionId === sessionId);
    assert.equal(left.payload.reason, 'timeout');
    await a.waitForEvent('participant.joined', (p) => p.participant.sessionId === rejoined.sessionId);
  });

  it('stores and delivers a retried message once', async () => {
    const a = await connect('ia');
    const b = await connect('ib');
    await a.ok('call.join', { type: 'p2p', id: 'idem', create: true });
    await b.ok('call.join', { type: 'p2p', id: 'idem' });
    const first = await a.ok('message.send', { cid: 'p2p:idem', id: 'client-msg-0001', data: { text: 'once' } });
    const again = await a.ok('message.send', { cid: 'p2p:idem', id: 'client-msg-0001', data: { text: 'once' } });
    assert.deepEqual(again.message, first.message);
    await b.ok('ping');
    assert.equal(b.received.filter((m) => m.type === 'message').length, 1);
    const stolen = await b.request('message.send', { cid: 'p2p:idem', id: 'client-msg-0001', data: {} });
    assert.equal(stolen.error?.code, 'CONFLICT');
  });

  it('replays from the acknowledged sequence when the client gives none', async () => {
    const a = await connect('aa');
    const b = await connect('ab');
    await a.ok('call.join', { type: 'p2p', id: 'acked', create: true });
    const { sessionId } = await b.ok('call.join', { type: 'p2p', id: 'acked' });
    const m1 = await a.ok('message.send', { cid: 'p2p:acked', data: { n: 1 } });
    await b.ok('message.ack', { cid: 'p2p:acked', seq: m1.message.seq });
    b.terminate();
    await a.ok('message.send', { cid: 'p2p:acked', data: { n: 2 } });
    const b2 = await connect('ab');
    const resumed = await b2.ok('call.resume', { cid: 'p2p:acked', sessionId });
    assert.deepEqual(resumed.missedMessages.map((m: any) => m.data.n), [2]);
  });
});
