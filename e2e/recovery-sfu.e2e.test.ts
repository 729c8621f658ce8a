import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { hideHostCandidates, launchBrowser, newContext, openSdkPage } from './helpers/browser.js';
import { callingState, events, joinCall, waitForFrames, watchRemoteVideo } from './helpers/call-page.js';
import { freeUdpPort } from './helpers/ports.js';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { UdpRelay } from './helpers/udp-relay.js';
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

describe('a broken media path to the SFU', () => {
  it('recovers FAST: same session ids, no leave or join seen, media flows again', async () => {
    const sfuPort = await freeUdpPort();
    const relay = await UdpRelay.start(sfuPort);
    const server = await startServerProcess({ env: { CONFAB_RTC_UDP_PORT: String(sfuPort), CONFAB_RTC_ANNOUNCED_PORT: String(relay.port) } });
    const browser = await launchBrowser();
    try {
      const alice = await openSdkPage(await newContext(browser), server.url, 'alice');
      const bob = await openSdkPage(await newContext(browser), server.url, 'bob');
      // Behind a "NAT": the relay is the only way between the pages and the SFU.
      await hideHostCandidates(alice);
      await hideHostCandidates(bob);
      await joinCall(alice, 'default', 'path-cut', { create: true, audio: true, video: true });
      await joinCall(bob, 'default', 'path-cut', { audio: true, video: true });
      await videoFlowsBothWays(alice, 'alice', bob, 'bob');
      const sessions = async () => [await alice.evaluate(() => (window as any).call.state.localParticipant.sessionId), await bob.evaluate(() => (window as any).call.state.localParticipant.sessionId)];
      const before = await sessions();
      const connectionsBefore = await alice.evaluate(() => (window as any).__confabTest.pcs.length);
      const streamOf = (page: Page, userId: string) =>
        page.evaluate((userId) => (window as any).call.state.remoteParticipants.find((p: any) => p.userId === userId)?.videoStream?.id as string | undefined, userId);
      const [aliceSaw, bobSaw] = [await streamOf(alice, 'bob'), await streamOf(bob, 'alice')];
      relay.cut();
      // The SDK notices the unanswered ICE checks and rebuilds its connections (same session).
      await waitUntil(() => alice.evaluate((n) => (window as any).__confabTest.pcs.length > n, connectionsBefore), 'alice rebuilds its SFU connections', 20_000);
      assert.ok(relay.dropped > 0);
      relay.restore();
      // Media comes back on new streams of the same participants.
      await waitUntil(async () => (await streamOf(alice, 'bob')) !== aliceSaw && (await streamOf(bob, 'alice')) !== bobSaw, 'new remote streams', 20_000);
      await videoFlowsBothWays(alice, 'alice', bob, 'bob');
      assert.deepEqual(await sessions(), before);
      for (const page of [alice, bob]) {
        assert.equal(await callingState(page), 'joined');
        const seen = (await events(page)).filter((e) => e.name === 'participant.left' || e.name === 'participant.joined');
        assert.deepEqual(seen.filter((e) => e.name === 'participant.left'), []);
      }
    } finally {
      await browser.close();
      await server.stop();
      await relay.close();
    }
  });
});
