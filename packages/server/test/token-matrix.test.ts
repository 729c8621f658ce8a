import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT, UnsecuredJWT } from 'jose';
import { startTestServer, type TestServer } from './helpers/test-server.js';

describe('the token rejection matrix, at connect and at the REST API', () => {
  let t: TestServer;
  const cases: [string, () => Promise<string>, string][] = [];

  before(async () => {
    t = await startTestServer();
    const { apiKey, apiSecret } = t.server.credentials;
    const key = new TextEncoder().encode(apiSecret);
    const now = Math.floor(Date.now() / 1000);
    const base = () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory');
    cases.push(
      ['forged signature', () => base().setIssuer(apiKey).setExpirationTime(now + 60).sign(new TextEncoder().encode('not-the-secret-not-the-secret!!')), 'UNAUTHENTICATED'],
      ['alg none', async () => new UnsecuredJWT({}).setSubject('mallory').setIssuer(apiKey).setExpirationTime(now + 60).encode(), 'UNAUTHENTICATED'],
      ['expired', () => base().setIssuer(apiKey).setExpirationTime(now - 5).sign(key), 'UNAUTHENTICATED'],
      ['no exp', () => base().setIssuer(apiKey).sign(key), 'UNAUTHENTICATED'],
      ['wrong iss', () => base().setIssuer('someone-else').setExpirationTime(now + 60).sign(key), 'UNAUTHENTICATED'],
    );
  });
  after(async () => {
    await t.stop();
  });

  it('refuses each bad token when connecting to /rtc with UNAUTHENTICATED and close 4001', async () => {
    for (const [what, make, code] of cases) {
      const s = await t.connect(await make());
      const err = await s.waitFor((m) => m.type === 'response' && m.ok === false, what);
      assert.equal(err.error?.code, code, what);
      assert.equal((await s.closed).code, 4001, what);
    }
  });

  it('refuses each bad token at the REST API with 401 UNAUTHENTICATED', async () => {
    for (const [what, make, code] of cases) {
      const res = await fetch(`${t.url}/api/v1/calls/p2p/anything`, { headers: { authorization: `Bearer ${await make()}` } });
      assert.equal(res.status, 401, what);
      assert.equal(((await res.json()) as any).error.code, code, what);
    }
  });

  it('refuses a call outside call_cids with FORBIDDEN, at connect time requests and at REST', async () => {
    const limited = await t.token('carol', { callCids: ['p2p:allowed'] });
    const s = await t.connect(limited);
    await s.waitForEvent('connection.ok');
    assert.equal((await s.request('call.getOrCreate', { type: 'p2p', id: 'elsewhere' })).error?.code, 'FORBIDDEN');
    const res = await fetch(`${t.url}/api/v1/calls/p2p/elsewhere`, { method: 'POST', headers: { authorization: `Bearer ${limited}`, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as any).error.code, 'FORBIDDEN');
    const ok = await fetch(`${t.url}/api/v1/calls/p2p/allowed`, { method: 'POST', headers: { authorization: `Bearer ${limited}`, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(ok.status, 200);
  });
});
