import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newContext, openSdkPage } from './helpers/browser.js';
import { joinCall, participants, resources, waitForEvent, waitForFrames, watchRemoteVideo } from './helpers/call-page.js';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { waitUntil } from './helpers/wait.js';

describe('p2p media: HD, labels, glare, screen share, device switch', () => {
  let server: ServerProcess;
  let browser: Browser;
  let alice: Page;
  let bob: Page;

  before(async () => {
    server = await startServerProcess();
    browser = await launchBrowser();
    alice = await openSdkPage(await newContext(browser), server.url, 'alice');
    bob = await openSdkPage(await newContext(browser), server.url, 'bob');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sends HD video with the constraints given, and carries the stream label', async () => {
    await alice.evaluate(() => (window as any).client.call('p2p', 'media').camera.setLabel('front camera'));
    await joinCall(alice, 'p2p', 'media', { create: true, audio: false, video: { width: 1280, height: 720 } });
    await joinCall(bob, 'p2p', 'media', {});
    const settings = await alice.evaluate(() => (window as any).call.camera.track.getSettings());
    assert.equal(settings.width, 1280);
    assert.equal(settings.height, 720);
    const watch = await watchRemoteVideo(bob, 'alice');
    await waitForFrames(bob, watch, 10);
    const aliceAtBob = (await participants(bob)).find((p) => p.userId === 'alice')!;
    const video = aliceAtBob.streams.find((s) => s.kind === 'video')!;
    assert.equal(video.label, 'front camera');
    const sameStream = await bob.evaluate((id) => (window as any).call.state.remoteParticipants[0].videoStream.id === id, video.streamId);
    assert.equal(sameStream, true);
    // Bob publishes nothing, and still receives.
    assert.deepEqual((await participants(alice)).find((p) => p.userId === 'bob')!.publishedTracks, []);
  });

  it('settles simultaneous renegotiation from both sides (glare)', async () => {
    await Promise.all([
      alice.evaluate(() => (window as any).call.microphone.enable()),
      bob.evaluate(() => (window as any).call.camera.enable()),
    ]);
    const atAlice = await watchRemoteVideo(alice, 'bob');
    await waitForFrames(alice, atAlice, 10);
    await waitUntil(async () => (await participants(bob)).find((p) => p.userId === 'alice')?.hasAudio, 'alice audio at bob');
  });

  it('shares the screen as a separate stream', async () => {
    const result = await alice.evaluate(async () => {
      try {
        await (window as any).call.screenShare.enable();
        return 'ok';
      } catch (error: any) {
        return `${error.code}: ${error.message}`;
      }
    });
    assert.equal(result, 'ok');
    await waitForEvent(bob, 'track.published', (p) => p.kind === 'screen');
    const watch = await watchRemoteVideo(bob, 'alice', 'screenShareStream');
    await waitForFrames(bob, watch, 5);
    const alicePs = (await participants(bob)).find((p) => p.userId === 'alice')!;
    assert.ok(alicePs.publishedTracks.includes('screen') && alicePs.hasVideo && alicePs.hasScreen);
    await alice.evaluate(() => (window as any).call.screenShare.disable());
    await waitForEvent(bob, 'track.unpublished', (p) => p.kind === 'screen');
  });

  it('switches camera without renegotiation and keeps the stream id', async () => {
    const devices = await alice.evaluate(async () => (await (window as any).call.camera.listDevices()).map((d: MediaDeviceInfo) => d.deviceId));
    assert.ok(devices.length >= 1);
    const before = await alice.evaluate(() => (window as any).call.camera.stream.id);
    const target = devices[devices.length - 1];
    await alice.evaluate((id) => (window as any).call.camera.selectDevice(id), target);
    const after = await alice.evaluate(() => ({ id: (window as any).call.camera.stream.id, device: (window as any).call.camera.track.getSettings().deviceId }));
    assert.equal(after.id, before);
    assert.equal(after.device, target);
    const watch = await watchRemoteVideo(bob, 'alice');
    await waitForFrames(bob, watch, 10);
  });

  it('leaves cleanly after all of it', async () => {
    await alice.evaluate(() => (window as any).call.leave());
    await bob.evaluate(() => (window as any).call.leave());
    assert.deepEqual(await resources(alice), { openPcs: 0, liveTracks: 0 });
    assert.deepEqual(await resources(bob), { openPcs: 0, liveTracks: 0 });
  });
});
