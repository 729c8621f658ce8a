import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newContext } from './helpers/browser.js';
import { callingState } from './helpers/call-page.js';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { waitUntil } from './helpers/wait.js';

/** A page whose client gets short-lived demo tokens from a tokenProvider that counts its calls. */
async function pageWithProvider(browser: Browser, serverUrl: string, ttlSeconds: number): Promise<Page> {
  const page = await (await newContext(browser)).newPage();
  await page.goto(`${serverUrl}/sdk/`);
  await page.evaluate(async (ttlSeconds) => {
    const w = window as any;
    const sdk = await import('/sdk/confab.js' as string);
    w.tokenCalls = 0;
    w.client = new sdk.ConfabClient({
      url: location.origin,
      tokenProvider: async () => {
        w.tokenCalls++;
        const res = await fetch('/api/demo/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'tia', ttlSeconds }) });
        return (await res.json()).token;
      },
    });
    await w.client.connect();
  }, ttlSeconds);
  return page;
}

describe('tokens that expire', () => {
  let server: ServerProcess;
  let browser: Browser;

  before(async () => {
    server = await startServerProcess({ env: { CONFAB_API_KEY: 'confab_refresh', CONFAB_API_SECRET: 'first-secret-first-secret-0001' } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('asks the tokenProvider again before the token expires, and the connection stays usable past it', async () => {
    const page = await pageWithProvider(browser, server.url, 12);
    const firstExpiry = Date.now() + 12_000;
    await waitUntil(() => page.evaluate(() => (window as any).tokenCalls >= 2), 'a refresh before expiry', 10_000);
    // Past the first token's expiry, requests still work: the server took the fresh token.
    await waitUntil(() => Date.now() > firstExpiry + 500, 'the first token to expire', 15_000, 250);
    const created = await page.evaluate(() => (window as any).client.call('p2p', 'after-expiry').getOrCreate().then((r: any) => r.created, (e: any) => e.code));
    assert.equal(created, true);
  });

  it('asks again when the server refuses the token during recovery (a rotated secret)', async () => {
    const page = await pageWithProvider(browser, server.url, 3600);
    await page.evaluate(() => (window as any).client.call('p2p', 'rotation').join({ create: true }));
    const before = await page.evaluate(() => (window as any).tokenCalls);
    await server.kill();
    server.env.CONFAB_API_SECRET = 'second-secret-second-secret-02';
    await server.restart();
    await page.evaluate(() => ((window as any).call = (window as any).client.call('p2p', 'rotation')));
    await waitUntil(async () => (await callingState(page)) === 'joined' && (await page.evaluate(() => (window as any).tokenCalls)) > before, 'rejoined with a fresh token', 30_000);
  });
});
