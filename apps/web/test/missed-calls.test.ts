import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MyCall } from '../src/api/rest';
import { MissedCalls } from '../src/ringing/missed-calls';

function history(cid: string, status: NonNullable<MyCall['myRing']>['status'], rungAt: string, rungBy = 'alice'): MyCall {
  const [type = '', id = ''] = cid.split(':');
  return {
    cid,
    type,
    id,
    createdBy: rungBy,
    createdAt: rungAt,
    endedAt: null,
    myRing: { userId: 'bob', rungBy, round: 1, status, reason: null, rungAt, answeredAt: null },
  };
}

describe('missed calls', () => {
  it('keeps missed and cancelled rings, one line per call, newest first, with names learned from rings', () => {
    const missed = new MissedCalls('bob');
    missed.add({ cid: 'p2p:b', callType: 'p2p', callId: 'b', fromUserId: 'alice', fromName: 'Alice', at: '2026-11-22T10:05:00.000Z' });
    missed.mergeHistory([
      history('p2p:b', 'missed', '2026-11-22T10:04:59.000Z'),
      history('p2p:a', 'cancelled', '2026-11-22T10:00:00.000Z'),
      history('p2p:c', 'accepted', '2026-11-22T10:10:00.000Z'),
      history('p2p:d', 'rejected', '2026-11-22T10:11:00.000Z'),
      history('p2p:e', 'missed', '2026-11-22T10:12:00.000Z', 'carol'),
    ]);
    assert.deepEqual(
      missed.list.map((m) => `${m.cid} ${m.fromName}`),
      ['p2p:e carol', 'p2p:b Alice', 'p2p:a Alice'],
    );
    missed.rememberName('carol', 'Carol');
    assert.equal(missed.list[0]!.fromName, 'Carol');
    missed.dismiss('p2p:b');
    assert.deepEqual(missed.list.map((m) => m.cid), ['p2p:e', 'p2p:a']);
  });

  it('shows at most five, and nothing from before "Clear"', () => {
    const missed = new MissedCalls('bob');
    missed.mergeHistory(Array.from({ length: 8 }, (_, i) => history(`p2p:c${i}`, 'missed', `2020-01-0${i + 1}T00:00:00.000Z`)));
    assert.equal(missed.list.length, 5);
    assert.equal(missed.list[0]!.cid, 'p2p:c7');
    missed.clear();
    assert.equal(missed.list.length, 0);
    missed.mergeHistory([history('p2p:old', 'missed', '2020-02-01T00:00:00.000Z')]);
    assert.equal(missed.list.length, 0, 'cleared before');
    missed.add({ cid: 'p2p:new', callType: 'p2p', callId: 'new', fromUserId: 'alice', fromName: 'Alice', at: new Date(Date.now() + 1000).toISOString() });
    assert.deepEqual(missed.list.map((m) => m.cid), ['p2p:new']);
  });
});
