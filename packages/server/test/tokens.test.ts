import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignJWT, UnsecuredJWT } from 'jose';
import { assertCallAllowed, signToken, verifyToken } from '../src/auth/tokens.js';
import { ServiceError } from '../src/errors.js';

const creds = { apiKey: 'confab_test', apiSecret: 'a-very-secret-secret-of-32-bytes!' };
const key = new TextEncoder().encode(creds.apiSecret);
const now = () => Math.floor(Date.now() / 1000);

async function rejects(token: string, pattern: RegExp): Promise<void> {
  await assert.rejects(verifyToken(token, creds), (error: unknown) => {
    assert.ok(error instanceof ServiceError);
    assert.equal(error.code, 'UNAUTHENTICATED');
    assert.match(error.message, pattern);
    return true;
  });
}

test('a signed token verifies with its claims', async () => {
  const token = await signToken({ userId: 'alice', name: 'Alice', role: 'host', callCids: ['p2p:a'], ttlSeconds: 60 }, creds);
  const claims = await verifyToken(token, creds);
  assert.equal(claims.userId, 'alice');
  assert.equal(claims.name, 'Alice');
  assert.equal(claims.role, 'host');
  assert.deepEqual(claims.callCids, ['p2p:a']);
  assert.ok(claims.expiresAt > Date.now());
});

test('role defaults to user and call_cids to none', async () => {
  const claims = await verifyToken(await signToken({ userId: 'bob', ttlSeconds: 60 }, creds), creds);
  assert.equal(claims.role, 'user');
  assert.equal(claims.callCids, null);
});

test('a bad signature is refused', async () => {
  const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuer(creds.apiKey).setExpirationTime(now() + 60).sign(new TextEncoder().encode('another-secret-another-secret!!!'));
  await rejects(token, /signature/);
});

test('alg none is refused', async () => {
  const token = new UnsecuredJWT({}).setSubject('alice').setIssuer(creds.apiKey).setExpirationTime(now() + 60).encode();
  await rejects(token, /algorithm|malformed|invalid/);
});

test('an expired token is refused', async () => {
  const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuer(creds.apiKey).setExpirationTime(now() - 10).sign(key);
  await rejects(token, /expired/);
});

test('a token without exp is refused', async () => {
  const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuer(creds.apiKey).sign(key);
  await rejects(token, /exp/);
});

test('a token with the wrong iss is refused', async () => {
  const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuer('someone-else').setExpirationTime(now() + 60).sign(key);
  await rejects(token, /iss/);
});

test('another HMAC algorithm is refused', async () => {
  const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS512' }).setSubject('alice').setIssuer(creds.apiKey).setExpirationTime(now() + 60).sign(key);
  await rejects(token, /algorithm/);
});

test('a bad sub, role or call_cids is refused', async () => {
  const base = () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(creds.apiKey).setExpirationTime(now() + 60);
  await rejects(await base().setSubject('has space').sign(key), /sub/);
  await rejects(await new SignJWT({ role: 'emperor' }).setProtectedHeader({ alg: 'HS256' }).setSubject('a').setIssuer(creds.apiKey).setExpirationTime(now() + 60).sign(key), /role/);
  await rejects(await new SignJWT({ call_cids: 'p2p:a' }).setProtectedHeader({ alg: 'HS256' }).setSubject('a').setIssuer(creds.apiKey).setExpirationTime(now() + 60).sign(key), /call_cids/);
  await rejects('garbage', /malformed|invalid/);
});

test('call_cids limits the calls a token may use', () => {
  assert.doesNotThrow(() => assertCallAllowed({ callCids: null }, 'p2p:any'));
  assert.doesNotThrow(() => assertCallAllowed({ callCids: ['p2p:a'] }, 'p2p:a'));
  assert.throws(() => assertCallAllowed({ callCids: ['p2p:a'] }, 'p2p:b'), (e: unknown) => e instanceof ServiceError && e.code === 'FORBIDDEN');
});

test('during a rotation, tokens signed with a previous secret still verify; others do not', async () => {
  const old = { apiKey: creds.apiKey, apiSecret: 'the-old-secret-the-old-secret!!' };
  const rotated = { ...creds, previousSecrets: [old.apiSecret] };
  const oldToken = await signToken({ userId: 'alice', ttlSeconds: 60 }, old);
  assert.equal((await verifyToken(oldToken, rotated)).userId, 'alice');
  await assert.rejects(verifyToken(oldToken, creds), (e: unknown) => e instanceof ServiceError && e.code === 'UNAUTHENTICATED');
  const forged = await signToken({ userId: 'alice', ttlSeconds: 60 }, { ...creds, apiSecret: 'some-third-secret-nobody-knows!' });
  await assert.rejects(verifyToken(forged, rotated), /signature/);
});
