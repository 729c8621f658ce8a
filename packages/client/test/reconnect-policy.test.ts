import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfabError } from '../src/errors.js';
import { DefaultReconnectPolicy } from '../src/reconnect-policy.js';

const ctx = (attempt: number, elapsedMs = 0, lastError: ConfabError | null = null) => ({ attempt, elapsedMs, lastError });

test('the first attempt is immediate, then delays double up to the cap', () => {
  const p = new DefaultReconnectPolicy({ jitter: 0 });
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((a) => p.nextDelayMs(ctx(a))), [0, 250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
});

test('jitter stays within ±20% of the nominal delay', () => {
  for (const r of [0, 0.25, 0.5, 0.75, 0.999]) {
    const p = new DefaultReconnectPolicy({ random: () => r });
    const d = p.nextDelayMs(ctx(4))!;
    assert.ok(d >= 1600 && d <= 2400, `${d} for random ${r}`);
  }
  const p = new DefaultReconnectPolicy();
  const seen = new Set(Array.from({ length: 50 }, () => p.nextDelayMs(ctx(5))));
  assert.ok(seen.size > 1, 'delays vary');
});

test('gives up after 60 s by default, and never waits past that bound', () => {
  const p = new DefaultReconnectPolicy({ jitter: 0 });
  assert.equal(p.nextDelayMs(ctx(3, 59_999)), 1);
  assert.equal(p.nextDelayMs(ctx(3, 60_000)), null);
  assert.equal(new DefaultReconnectPolicy({ giveUpAfterMs: 4000 }).nextDelayMs(ctx(1, 4001)), null);
});

test('escalates from FAST to REJOIN after the fast window', () => {
  const p = new DefaultReconnectPolicy();
  assert.equal(p.strategyFor(ctx(1, 0)), 'fast');
  assert.equal(p.strategyFor(ctx(5, 14_999)), 'fast');
  assert.equal(p.strategyFor(ctx(6, 15_000)), 'rejoin');
  assert.equal(new DefaultReconnectPolicy({ fastWindowMs: 0 }).strategyFor(ctx(1, 0)), 'rejoin');
});
