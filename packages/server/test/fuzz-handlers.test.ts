import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import fc from 'fast-check';
import { ERROR_CODES, REQUEST_TYPES } from '@confab/protocol';
import { startTestServer, type TestServer, type TestSocket } from './helpers/test-server.js';

/** Everything a rejected request must leave unchanged. */
function snapshot(t: TestServer): string {
  const db = new SQLite(path.join(t.dataDir, 'confab.sqlite'), { readonly: true });
  try {
    const counts = ['calls', 'call_members', 'call_sessions', 'messages', 'call_rings', 'call_user_state', 'push_subscriptions'].map(
      (table) => `${table}=${(db.prepare(`select count(*) n from ${table}`).get() as { n: number }).n}`,
    );
    const ended = (db.prepare('select count(*) n from calls where ended_at is not null').get() as { n: number }).n;
    const live = [...t.server.calls.active.values()].map((c) => `${c.record.cid}:${[...c.sessions.values()].map((s) => `${s.userId}/${s.publishedTracks.join('+')}`).sort().join(',')}`);
    return [...counts, `ended=${ended}`, ...live.sort()].join(' ');
  } finally {
    db.close();
  }
}

/** A request, resent after the connection's rate limit (not what is under test here) lets it through. */
async function paced(socket: TestSocket, type: string, body: unknown) {
  for (;;) {
    const res = await socket.request(type, body);
    if (res.error?.code !== 'RATE_LIMITED' || !res.error.message.startsWith('too many messages')) return res;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('fuzzing every request handler', () => {
  let t: TestServer;
  let alice: TestSocket;
  let guest: TestSocket;
  const codes = new Set<string>(ERROR_CODES);

  before(async () => {
    t = await startTestServer();
    alice = await t.connect(await t.token('fz-alice'));
    guest = await t.connect(await t.token('fz-guest', { role: 'guest' }));
    await alice.ok('call.join', { type: 'p2p', id: 'fuzz', create: true, members: [{ userId: 'fz-guest' }] });
    await guest.ok('call.join', { type: 'p2p', id: 'fuzz' });
  });
  after(async () => {
    await t.stop();
  });

  const cid = fc.constantFrom('p2p:fuzz', 'p2p:other', 'default:x', 'nope', '', 'p2p:' + 'x'.repeat(80));
  const user = fc.constantFrom('fz-alice', 'fz-guest', 'nobody', '', 'a b');
  const fieldValue = fc.oneof(cid, user, fc.anything(), fc.constantFrom('audio', 'video', 'screen', true, false, 0, -1, 1e12));
  const payload = fc.dictionary(fc.constantFrom('cid', 'userId', 'type', 'id', 'kind', 'to', 'data', 'sessionId', 'reason', 'censored', 'block', 'grant', 'revoke', 'capabilities', 'publishedTracks', 'streams', 'lastSeq', 'before', 'limit', 'description', 'candidate', 'token'), fieldValue, { maxKeys: 6 });

  it('answers every random request with a result or a coded error; a refused one changes nothing', async () => {
    // Requests that may legitimately change state when they succeed are only checked for "no crash".
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...REQUEST_TYPES), payload, fc.boolean(), async (type, body, asGuest) => {
        const socket = asGuest ? guest : alice;
        const before = snapshot(t);
        const res = await paced(socket, type, body);
        assert.equal(res.type, 'response');
        if (!res.ok) {
          assert.ok(codes.has(res.error!.code), JSON.stringify(res.error));
          assert.equal(res.error!.code === 'INTERNAL', false, `INTERNAL for ${type} ${JSON.stringify(body)}`);
          assert.equal(snapshot(t), before, `${type} ${JSON.stringify(body)} was refused (${res.error!.code}) but changed state`);
        }
      }),
      { numRuns: 600 },
    );
    // The sockets are still open and usable.
    assert.equal((await paced(alice, 'ping', {})).ok, true);
    assert.equal((await paced(guest, 'ping', {})).ok, true);
  });
});
