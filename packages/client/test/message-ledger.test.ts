import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatMessage } from '@confab/protocol';
import { ConfabError } from '../src/errors.js';
import { MessageLedger } from '../src/call/message-ledger.js';

const msg = (id: string, seq: number): ChatMessage => ({ id, seq, cid: 'p2p:x', from: 'a', sessionId: 's', data: { id }, to: null, createdAt: '' });

test('drops duplicates by id and tracks the highest sequence processed', () => {
  const l = new MessageLedger();
  assert.equal(l.accept(msg('a', 1)), true);
  assert.equal(l.accept(msg('b', 2)), true);
  assert.equal(l.accept(msg('a', 1)), false);
  assert.equal(l.accept(msg('c', 5)), true);
  assert.equal(l.accept(msg('b', 2)), false);
  assert.equal(l.lastSeq, 5);
});

test('a replay after recovery delivers only what was not seen, in order', () => {
  const l = new MessageLedger();
  for (const [id, seq] of [['a', 1], ['b', 2]] as const) l.accept(msg(id, seq));
  const replay = [msg('b', 2), msg('c', 3), msg('d', 4)];
  const live = [msg('d', 4), msg('e', 5)];
  const delivered = [...replay, ...live].filter((m) => l.accept(m)).map((m) => m.id);
  assert.deepEqual(delivered, ['c', 'd', 'e']);
});

test('remembers a bounded number of ids', () => {
  const l = new MessageLedger();
  for (let i = 0; i < 2500; i++) l.accept(msg(`m${i}`, i + 1));
  assert.equal(l.accept(msg('m2499', 2500)), false);
  assert.equal(l.accept(msg('m0', 1)), true);
});

test('queues outgoing messages in order, each with its own id, resolved or rejected', async () => {
  const l = new MessageLedger();
  const first = l.enqueue({ n: 1 }, undefined);
  const second = l.enqueue({ n: 2 }, ['bob']);
  assert.equal(l.pending, 2);
  const a = l.peek()!;
  assert.deepEqual(a.data, { n: 1 });
  l.sent(msg(a.id, 7));
  assert.equal((await first).seq, 7);
  assert.equal(l.lastSeq, 7);
  const b = l.peek()!;
  assert.notEqual(b.id, a.id);
  assert.deepEqual(b.to, ['bob']);
  // Our own message echoed back (e.g. in a replay) is not delivered again.
  assert.equal(l.accept(msg(a.id, 7)), false);
  l.failAll(new ConfabError('TIMEOUT', 'gave up'));
  await assert.rejects(second, (e: unknown) => e instanceof ConfabError && e.code === 'TIMEOUT');
  assert.equal(l.pending, 0);
});
