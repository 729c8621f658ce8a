import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeClientMessage, decodeServerMessage, ERROR_CODES, REQUEST_TYPES } from '../src/index.js';
import { sampleRequests } from './samples.js';

const codes = new Set<string>(ERROR_CODES);

test('the client decoder never throws on arbitrary text and always answers with a code', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 2000 }), (raw) => {
      const r = decodeClientMessage(raw);
      if (!r.ok) assert.ok(codes.has(r.error.code));
    }),
    { numRuns: 2000 },
  );
});

test('the decoder never throws on arbitrary JSON values in the envelope', () => {
  fc.assert(
    fc.property(fc.constantFrom(...REQUEST_TYPES, 'bogus', ''), fc.anything(), fc.anything(), (type, requestId, payload) => {
      const raw = JSON.stringify({ type, requestId, payload }) ?? '';
      const r = decodeClientMessage(raw);
      if (!r.ok) assert.ok(codes.has(r.error.code));
      else assert.equal(r.message.type, type);
    }),
    { numRuns: 2000 },
  );
});

test('mutating one field of a valid request yields either a valid request or a coded error', () => {
  const valid = Object.entries(sampleRequests);
  fc.assert(
    fc.property(fc.constantFrom(...valid), fc.string({ maxLength: 20 }), fc.anything(), ([type, payload], key, value) => {
      const mutated = { ...(payload as Record<string, unknown>), [key]: value };
      const r = decodeClientMessage(JSON.stringify({ type, requestId: 'm', payload: mutated }) ?? '');
      if (!r.ok) {
        assert.ok(codes.has(r.error.code));
        assert.equal(r.requestId, 'm');
      }
    }),
    { numRuns: 3000 },
  );
});

test('truncated valid messages are refused cleanly', () => {
  fc.assert(
    fc.property(fc.constantFrom(...Object.entries(sampleRequests)), fc.nat(), ([type, payload], cut) => {
      const raw = JSON.stringify({ type, requestId: 't', payload });
      const r = decodeClientMessage(raw.slice(0, cut % raw.length));
      assert.equal(r.ok, false);
    }),
    { numRuns: 1000 },
  );
});

test('the server-message decoder never throws either', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json()), (raw) => {
      decodeServerMessage(raw);
    }),
    { numRuns: 1000 },
  );
});
