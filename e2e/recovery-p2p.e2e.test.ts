import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newContext, openSdkPage } from './helpers/browser.js';
import { callingState, events, joinCall, waitForFrames, watchRemoteVideo } from './helpers/call-page.js';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { waitUntil } from './helpers/wait.js';

async function videoFlowsBothWays(a: Page, aUser: string, b: Page, bUser: string): Promise<void> {
  const atA = await watchRemoteVideo(a, bUser);
  const atB = await watchRemoteVideo(b, aUser);
  await waitForFrames(a, atA, 10, 20_000);
  await waitForFrames(b, atB, 10, 20_000);
}

function messageTexts(page: Page): Promise<string[]> {
  return events(page, 'message').then((es) => es.map((e) => e.payload.data.text));
}

describe('p2p calls recover on their own', () => {
  let server: ServerProcess;
  let browser: Browser;
  let aliceContext: BrowserContext;
  let alice: Page;
  let bob: Page;

  before(async () => {
    server = await startServerProcess({ env: { CONFAB_RECONNECT_GRACE_MS: '15000' } });
    browser = await launchBrowser();
    aliceContext = await newContext(browser);
    alice = await openSdkPage(aliceContext, server.url, 'alice');
    bob = await openSdkPage(await newContext(browser), server.url, 'bob');
    await joinCall(alice, 'p2p', 'survivor', { create: true, audio: true, video: true });
    await joinCall(bob, 'p2p', 'survivor', { audio: true, video: true });
    await videoFlowsBothWays(alice, 'alice', bob, 'bob');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('survives kill -9 of the server and its restart: rejoined, media both ways, the outage message once', async () => {
    await server.kill();
    await waitUntil(async () => (await callingState(alice)) === 'reconnecting' && (await callingState(bob)) === 'reconnecting', 'both reconnecting');
    // Sent while the server is down: queued, and delivered once the call is joined again.
    const sent = alice.evaluate(() => (window as any).call.sendMessage({ text: 'during the outage' }).then((m: any) => m.id));
    await server.restart();
    await waitUntil(async () => (await callingState(alice)) === 'joined' && (await callingState(bob)) === 'joined', 'both joined again', 30_000);
    const id = await sent;
    assert.ok(id);
    await waitUntil(async () => (await messageTexts(bob)).includes('during the outage'), 'outage message at bob', 15_000);
    await videoFlowsBothWays(alice, 'alice', bob, 'bob');
    assert.equal((await messageTexts(bob)).filter((t) => t === 'during the outage').length, 1);
    const states = await alice.evaluate(() => (window as any).states);
    assert.deepEqual(states.slice(-2), ['reconnecting', 'joined']);
  });

  it('goes OFFLINE and back: the five messages sent meanwhile arrive once each, in order', async () => {
    const before = (await messageTexts(alice)).length;
    await aliceContext.setOffline(true);
    await alice.evaluate(() => window.dispatchEvent(new Event('offline')));
    await waitUntil(async () => (await callingState(alice)) === 'offline', 'alice offline');
    for (let i = 1; i <= 5; i++) await bob.evaluate((i) => (window as any).call.sendMessage({ text: `while offline ${i}` }), i);
    // Six seconds off the network, as a person stepping into a lift would be.
    await new Promise((r) => setTimeout(r, 6000));
    await aliceContext.setOffline(false);
    await alice.evaluate(() => window.dispatchEvent(new Event('online')));
    await waitUntil(async () => (await callingState(alice)) === 'joined', 'alice joined again', 30_000);
    await waitUntil(async () => (await messageTexts(alice)).length >= before + 5, 'five messages at alice', 15_000);
    const got = (await messageTexts(alice)).slice(before);
    assert.deepEqual(got, [1, 2, 3, 4, 5].map((i) => `while offline ${i}`));
    const states = await alice.evaluate(() => (window as any).states);
    assert.ok(states.includes('offline'));
    assert.equal(states.at(-1), 'joined');
    await videoFlowsBothWays(alice, 'alice', bob, 'bob');
  });
});

describe('a server that never comes back', () => {
  it('ends in RECONNECTING_FAILED within the policy bound, and queued messages fail with TIMEOUT', async () => {
    const server = await startServerProcess();
    const browser = await launchBrowser();
    try {
      const page = await openSdkPage(await newContext(browser), server.url, 'carol', 'carol', { policy: { giveUpAfterMs: 4000 } });
      await joinCall(page, 'p2p', 'doomed', { create: true });
      await server.kill();
      const lostAt = Date.now();
      const pending = page.evaluate(() => (window as any).call.sendMessage({ text: 'never' }).then(() => 'sent', (e: any) => e.code));
      await waitUntil(async () => (await callingState(page)) === 'reconnecting-failed', 'reconnecting-failed', 15_000);
      const tookMs = Date.now() - lostAt;
      assert.ok(tookMs < 4000 + 6000, `gave up after ${tookMs} ms`);
      assert.equal(await pending, 'TIMEOUT');
      const states = await page.evaluate(() => (window as any).states);
      assert.deepEqual(states.slice(-2), ['reconnecting', 'reconnecting-failed']);
      // A later join() may start again once the server is back.
      await server.restart();
      await page.evaluate(() => (window as any).call.join());
      assert.equal(await callingState(page), 'joined');
    } finally {
      await browser.close();
      await server.stop();
    }
  });
});
