import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer, type TestSocket } from './helpers/test-server.js';

describe('ringing and call control', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.stop();
  });

  async function connect(userId: string, extra = {}): Promise<TestSocket> {
    const s = await t.connect(await t.token(userId, { name: userId.toUpperCase(), ...extra }));
    await s.waitForEvent('connection.ok');
    return s;
  }

  it('rings every device of every member; one device accepts and the others stop', async () => {
    const caller = await connect('r-alice');
    const bob1 = await connect('r-bob');
    const bob2 = await connect('r-bob');
    const carol = await connect('r-carol');
    await caller.ok('call.join', {
      type: 'p2p', id: 'ring1', create: true, ring: true,
      members: [{ userId: 'r-bob' }, { userId: 'r-carol' }], custom: { topic: 'lunch' },
    });
    for (const s of [bob1, bob2, carol]) {
      const ring = await s.waitForEvent('call.ring');
      assert.equal(ring.payload.call.cid, 'p2p:ring1');
      assert.deepEqual(ring.payload.from, { userId: 'r-alice', name: 'R-ALICE' });
      assert.deepEqual(ring.payload.custom, { topic: 'lunch' });
    }
    await bob1.ok('call.accept', { cid: 'p2p:ring1' });
    const stopped = await bob2.waitForEvent('call.ring.stopped');
    assert.equal(stopped.payload.reason, 'accepted');
    assert.equal(bob1.received.some((m) => m.type === 'call.ring.stopped'), false);
    const accepted = await caller.waitForEvent('call.accepted');
    assert.equal(accepted.payload.userId, 'r-bob');
    const again = await bob2.request('call.accept', { cid: 'p2p:ring1' });
    assert.equal(again.error?.code, 'CONFLICT');
    await carol.ok('call.reject', { cid: 'p2p:ring1', reason: 'in a meeting' });
    const rejected = await caller.waitForEvent('call.rejected');
    assert.deepEqual(rejected.payload, { cid: 'p2p:ring1', userId: 'r-carol', reason: 'in a meeting' });
    const twice = await carol.request('call.reject', { cid: 'p2p:ring1' });
    assert.equal(twice.error?.code, 'CONFLICT');
    assert.match(twice.error!.message, /already rejected/);
  });

  it('reports members who never answer as missed after ringTimeoutMs', async () => {
    const caller = await connect('m-alice');
    const dave = await connect('m-dave');
    await caller.ok('call.getOrCreate', { type: 'p2p', id: 'missed', ring: true, members: [{ userId: 'm-dave' }], settings: { ringTimeoutMs: 1000 } });
    await dave.waitForEvent('call.ring');
    const missed = await caller.waitForEvent('call.missed', () => true, 4000);
    assert.equal(missed.payload.userId, 'm-dave');
    const stopped = await dave.waitForEvent('call.ring.stopped');
    assert.equal(stopped.payload.reason, 'missed');
  });

  it('stops every callee when the caller leaves before anyone answers', async () => {
    const caller = await connect('c-alice');
    const bob = await connect('c-bob');
    await caller.ok('call.join', { type: 'p2p', id: 'cancel', create: true, ring: true, members: [{ userId: 'c-bob' }] });
    await bob.waitForEvent('call.ring');
    await caller.ok('call.leave', { cid: 'p2p:cancel' });
    const stopped = await bob.waitForEvent('call.ring.stopped');
    assert.equal(stopped.payload.reason, 'cancelled');
    const late = await bob.request('call.accept', { cid: 'p2p:cancel' });
    assert.equal(late.error?.code, 'CONFLICT');
  });

  it('cancels a ring from a caller who never joined, on leave', async () => {
    const caller = await connect('n-alice');
    const bob = await connect('n-bob');
    await caller.ok('call.getOrCreate', { type: 'p2p', id: 'nojoin', ring: true, members: [{ userId: 'n-bob' }] });
    await bob.waitForEvent('call.ring');
    await caller.ok('call.leave', { cid: 'p2p:nojoin' });
    assert.equal((await bob.waitForEvent('call.ring.stopped')).payload.reason, 'cancelled');
  });

  it('hands a ring under way to a device that connects later', async () => {
    const caller = await connect('l-alice');
    await caller.ok('call.getOrCreate', { type: 'p2p', id: 'later', ring: true, members: [{ userId: 'l-bob' }] });
    const bob = await connect('l-bob');
    const ring = await bob.waitForEvent('call.ring');
    assert.equal(ring.payload.call.cid, 'p2p:later');
  });

  it('refuses bad ringing requests and changes nothing', async () => {
    const owner = await connect('b-owner');
    const stranger = await connect('b-stranger');
    await owner.ok('call.getOrCreate', { type: 'p2p', id: 'bad', members: [{ userId: 'b-member' }] });
    const notMember = await stranger.request('call.ring', { cid: 'p2p:bad' });
    assert.equal(notMember.error?.code, 'FORBIDDEN');
    const notRinging = await stranger.request('call.accept', { cid: 'p2p:bad' });
    assert.equal(notRinging.error?.code, 'CONFLICT');
    const missing = await owner.request('call.ring', { cid: 'p2p:does-not-exist' });
    assert.equal(missing.error?.code, 'NOT_FOUND');
    const huge = await owner.request('call.getOrCreate', {
      type: 'p2p', id: 'huge', ring: true, members: Array.from({ length: 1000 }, (_, i) => ({ userId: `u${i}` })),
    });
    assert.equal(huge.error?.code, 'INVALID_ARGUMENT');
    const created = await owner.request('call.get', { type: 'p2p', id: 'huge' });
    assert.equal(created.error?.code, 'NOT_FOUND');
  });

  it('ends a call: refused for a plain user, done by the creator for everyone', async () => {
    const creator = await connect('e-alice');
    const user = await connect('e-bob');
    await creator.ok('call.join', { type: 'p2p', id: 'ending', create: true });
    await user.ok('call.join', { type: 'p2p', id: 'ending' });
    const refused = await user.request('call.end', { cid: 'p2p:ending' });
    assert.equal(refused.error?.code, 'FORBIDDEN');
    await creator.ok('call.end', { cid: 'p2p:ending' });
    await user.waitForEvent('call.ended');
    await creator.waitForEvent('call.ended');
    const { call } = await user.ok('call.get', { type: 'p2p', id: 'ending' });
    assert.ok(call.endedAt);
    assert.equal(call.participantCount, 0);
    const rejoin = await user.request('call.join', { type: 'p2p', id: 'ending' });
    assert.equal(rejoin.error?.code, 'CONFLICT');
    const host = await connect('e-host', { role: 'host' });
    await creator.ok('call.join', { type: 'p2p', id: 'ending2', create: true });
    await host.ok('call.end', { cid: 'p2p:ending2' });
    await creator.waitForEvent('call.ended', (p) => p.cid === 'p2p:ending2');
  });

  it('keeps the history of a call readable through the REST API', async () => {
    const caller = await connect('h-alice');
    const bob = await connect('h-bob');
    const carol = await connect('h-carol');
    await caller.ok('call.join', { type: 'p2p', id: 'history', create: true, ring: true, members: [{ userId: 'h-bob' }, { userId: 'h-carol' }] });
    await bob.waitForEvent('call.ring');
    await carol.waitForEvent('call.ring');
    await bob.ok('call.accept', { cid: 'p2p:history' });
    await bob.ok('call.join', { type: 'p2p', id: 'history' });
    await carol.ok('call.reject', { cid: 'p2p:history', reason: 'busy' });
    await caller.ok('call.end', { cid: 'p2p:history' });
    const token = await t.token('h-alice');
    const res = await fetch(`${t.url}/api/v1/calls/p2p/history`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as any;
    assert.ok(body.call.endedAt);
    const outcome = Object.fromEntries(body.rings.map((r: any) => [r.userId, [r.status, r.reason]]));
    assert.deepEqual(outcome, { 'h-bob': ['accepted', null], 'h-carol': ['rejected', 'busy'] });
    assert.deepEqual(body.sessions.map((s: any) => [s.userId, s.leaveReason]).sort(), [['h-alice', 'ended'], ['h-bob', 'ended']]);
    const mine = await fetch(`${t.url}/api/v1/users/me/calls`, { headers: { authorization: `Bearer ${await t.token('h-carol')}` } });
    const recent = (await mine.json()) as any;
    const entry = recent.calls.find((c: any) => c.cid === 'p2p:history');
    assert.equal(entry.myRing.status, 'rejected');
  });
});
