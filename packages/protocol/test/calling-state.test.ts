import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ALL_CALLING_STATES,
  assertTransition,
  CALLING_STATE_TRANSITIONS,
  CallingState,
  canTransition,
  InvalidTransitionError,
} from '../src/index.js';

test('the enum has the contract values', () => {
  assert.deepEqual(CallingState, {
    UNKNOWN: 'unknown',
    IDLE: 'idle',
    RINGING: 'ringing',
    JOINING: 'joining',
    JOINED: 'joined',
    LEFT: 'left',
    RECONNECTING: 'reconnecting',
    RECONNECTING_FAILED: 'reconnecting-failed',
    MIGRATING: 'migrating',
    OFFLINE: 'offline',
  });
});

test('every allowed transition passes and every other one throws', () => {
  let allowed = 0;
  let refused = 0;
  for (const from of ALL_CALLING_STATES) {
    for (const to of ALL_CALLING_STATES) {
      if (CALLING_STATE_TRANSITIONS[from].includes(to)) {
        assert.doesNotThrow(() => assertTransition(from, to));
        assert.equal(canTransition(from, to), true);
        allowed++;
      } else {
        assert.throws(() => assertTransition(from, to), InvalidTransitionError);
        assert.equal(canTransition(from, to), false);
        refused++;
      }
    }
  }
  assert.equal(allowed + refused, ALL_CALLING_STATES.length ** 2);
  assert.ok(allowed > 0 && refused > 0);
});

test('LEFT is terminal and no state transitions to itself', () => {
  assert.deepEqual(CALLING_STATE_TRANSITIONS.left, []);
  for (const s of ALL_CALLING_STATES) assert.equal(canTransition(s, s), false);
});

test('every state is reachable from UNKNOWN', () => {
  const seen = new Set<string>([CallingState.UNKNOWN]);
  const queue: CallingState[] = [CallingState.UNKNOWN];
  while (queue.length) {
    const s = queue.shift()!;
    for (const next of CALLING_STATE_TRANSITIONS[s]) if (!seen.has(next)) (seen.add(next), queue.push(next));
  }
  assert.deepEqual([...seen].sort(), [...ALL_CALLING_STATES].sort());
});

test('the recovery path joined -> offline -> reconnecting -> joined is allowed', () => {
  for (const [a, b] of [['joined', 'offline'], ['offline', 'reconnecting'], ['reconnecting', 'joined'], ['reconnecting', 'reconnecting-failed'], ['reconnecting-failed', 'joining']] as const) {
    assert.ok(canTransition(a, b), `${a} -> ${b}`);
  }
});
