import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeClientMessage,
  decodeServerMessage,
  encodeError,
  encodeEvent,
  encodeRequest,
  encodeResult,
  EVENT_NAMES,
  MAX_SIGNAL_MESSAGE_BYTES,
  REQUEST_TYPES,
  type ServerEvent,
} from '../src/index.js';
import { sampleEvents, sampleRequests } from './samples.js';

test('every request type has a sample, and every sample round-trips', () => {
  assert.deepEqual(Object.keys(sampleRequests).sort(), [...REQUEST_TYPES].sort());
  for (const [type, payload] of Object.entries(sampleRequests)) {
    const raw = encodeRequest(type as never, 'r1', payload as never);
    const decoded = decodeClientMessage(raw);
    assert.ok(decoded.ok, `${type}: ${JSON.stringify(decoded)}`);
    assert.deepEqual(decoded.message, { type, requestId: 'r1', payload });
  }
});

test('every event has a sample, and every sample round-trips', () => {
  assert.deepEqual(Object.keys(sampleEvents).sort(), [...EVENT_NAMES].sort());
  for (const [type, payload] of Object.entries(sampleEvents)) {
    const event = { type, payload } as ServerEvent;
    const decoded = decodeServerMessage(encodeEvent(event));
    assert.ok(decoded.ok, `${type}: ${JSON.stringify(decoded)}`);
    assert.deepEqual(decoded.message, event);
  }
});

test('responses round-trip with a result or an error', () => {
  const ok = decodeServerMessage(encodeResult('r9', 'ping', { now: 5 }));
  assert.deepEqual(ok, { ok: true, message: { type: 'response', requestId: 'r9', ok: true, result: { now: 5 } } });
  const err = decodeServerMessage(encodeError(null, { code: 'CALL_FULL', message: 'full' }));
  assert.deepEqual(err, {
    ok: true,
    message: { type: 'response', requestId: null, ok: false, error: { code: 'CALL_FULL', message: 'full' } },
  });
  const badCode = decodeServerMessage(JSON.stringify({ type: 'response', requestId: 'a', ok: false, error: { code: 'NOPE', message: '' } }));
  assert.equal(badCode.ok, false);
});

test('malformed JSON is INVALID_ARGUMENT with no request id', () => {
  for (const raw of ['{', 'null', '[]', '"str"', '42', '']) {
    const r = decodeClientMessage(raw);
    assert.equal(r.ok, false, raw);
    if (!r.ok) {
      assert.equal(r.error.code, 'INVALID_ARGUMENT');
      assert.equal(r.requestId, null);
    }
  }
});

test('an unknown type is refused and the request id is echoed', () => {
  const r = decodeClientMessage(JSON.stringify({ type: 'launch.rocket', requestId: 'x1', payload: {} }));
  assert.deepEqual(r, { ok: false, requestId: 'x1', error: { code: 'INVALID_ARGUMENT', message: 'unknown message type "launch.rocket"' } });
});

test('an inherited property name is not a message type', () => {
  const r = decodeClientMessage(JSON.stringify({ type: 'toString', requestId: 'x1', payload: {} }));
  assert.equal(r.ok, false);
});

test('a missing or bad request id is refused', () => {
  for (const requestId of [undefined, '', 5, 'x'.repeat(65)]) {
    const r = decodeClientMessage(JSON.stringify({ type: 'ping', requestId, payload: {} }));
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.code, 'INVALID_ARGUMENT');
  }
});

test('an invalid payload names the field', () => {
  const r = decodeClientMessage(JSON.stringify({ type: 'call.get', requestId: 'g', payload: { type: 'p2p', id: 'has space' } }));
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.requestId, 'g');
    assert.equal(r.error.code, 'INVALID_ARGUMENT');
    assert.match(r.error.message, /^call\.get: id: /);
  }
});

test('an oversized message is refused before it is parsed', () => {
  const raw = JSON.stringify({ type: 'ping', requestId: 'big', payload: { pad: 'x'.repeat(MAX_SIGNAL_MESSAGE_BYTES) } });
  const r = decodeClientMessage(raw);
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.error.code, 'INVALID_ARGUMENT');
    assert.match(r.error.message, /exceeds the limit/);
  }
});

test('bytes decode like strings', () => {
  const r = decodeClientMessage(new TextEncoder().encode(JSON.stringify({ type: 'ping', requestId: 'b', payload: {} })));
  assert.ok(r.ok);
});
