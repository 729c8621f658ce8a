import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newContext, openSdkPage } from './helpers/browser.js';
import { callingState, events, joinCall, waitForFrames, watchRemoteVideo } from './helpers/call-page.js';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { waitUntil } from './helpers/wait.js';

async function videoFlowsBothWays(a: Page, aUser: string, b: Page, bUser: string): Promise<void> {
  await waitForFrames(a, await watchRemoteVideo(a, bUser), 10, 20_000);
  await waitForFrames(b, await watchRemoteVideo(b, aUser), 10, 20_000);
}

describe('SFU calls recover on their own', () => {
  let server: ServerProcess;
  let browser: Browser;
  let alice: Page;
  let bob: Page;

  before(async () => {
    server = await startServerProcess();
    browser = await launchBrowser();
    alice = await openSdkPage(await newContext(browser), server.url, 'alice');
    bob = await openSdkPage(await newContext(browser), server.url, 'bob');
    await joinCall(alice, 'default', 'sfu-survivor', { create: true, audio: true, video: true });
    await joinCall(bob, 'default', 'sfu-survivor', { audio: true, video: true });
    await videoFlowsBothWays(alice, 'alice', bob, 'bob');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('survives kill -9 of the server: REJOIN through the new SFU, media both ways, the outage message once', async () => {
    await server.kill();
    await waitUntil(async () => (await callingState(alice)) === 'reconnecting' && (await callingState(bob)) === 'reconnecting', 'both reconnecting');
    const sent = alice.evaluate(() => (window as any).call.sendMessage({ text: 'sfu outage' }).then((m: any) => m.id));
    await server.restart();
    await waitUntil(async () => (await callingState(alice)) === 'joined' && (await callingState(bob)) === 'joined', 'both joined again', 30_000);
    assert.ok(await sent);
    await waitUntil(async () => (await events(bob, 'message')).some((e) => e.payload.data.text === 'sfu outage'), 'outage message at bob', 15_000);
    await videoFlowsBothWays(alice, 'alice', bob, 'bob');
    assert.equal((await events(bob, 'message')).filter((e) => e.payload.data.text === 'sfu outage').length, 1);
  });
});
