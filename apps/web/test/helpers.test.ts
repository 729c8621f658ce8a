import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokenExpiry } from '../src/app/token-source';
import { base64UrlToBytes } from '../src/push/web-push';

describe('web app helpers', () => {
  it('decodes a VAPID key (base64url, no padding) into bytes', () => {
    const bytes = Uint8Array.from({ length: 65 }, (_, i) => (i * 37) % 256);
    const encoded = Buffer.from(bytes).toString('base64url');
    assert.deepEqual([...base64UrlToBytes(encoded)], [...bytes]);
  });

  it('reads a token’s expiry without verifying it', () => {
    const payload = Buffer.from(JSON.stringify({ sub: 'bob', exp: 1_900_000_000 })).toString('base64url');
    assert.equal(tokenExpiry(`h.${payload}.s`), 1_900_000_000);
    assert.equal(tokenExpiry('not-a-token'), null);
  });
});
