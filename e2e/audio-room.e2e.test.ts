import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newContext, openSdkPage } from './helpers/browser.js';
import { joinCall, participants, selectedRemotePorts } from './helpers/call-page.js';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { waitUntil } from './helpers/wait.js';

describe('an audio_room call', () => {
  let server: ServerProcess;
  let browser: Browser;
  let speaker: Page;
  let listener: Page;

  before(async () => {
    server = await startServerProcess();
    browser = await launchBrowser();
    speaker = await openSdkPage(await newContext(browser), server.url, 'speaker');
    listener = await openSdkPage(await newContext(browser), server.url, 'listener');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('carries audio through the SFU and refuses video', async () => {
    const video = await speaker.evaluate(() =>
      (window as any).client.call('audio_room', 'town-hall').join({ create: true, audio: true, video: true }).then(() => 'joined', (e: any) => e.code),
    );
    assert.equal(video, 'INVALID_ARGUMENT');
    await joinCall(speaker, 'audio_room', 'town-hall', { create: true, audio: true });
    await joinCall(listener, 'audio_room', 'town-hall', {});
    await waitUntil(async () => (await participants(listener)).find((p) => p.userId === 'speaker')?.hasAudio, 'speaker audio at the listener');
    await waitUntil(async () => ((await participants(listener)).find((p) => p.userId === 'speaker')?.audioLevel ?? 0) > 0, 'speaker audio level');
    const camera = await speaker.evaluate(() => (window as any).call.camera.enable().then(() => 'ok', (e: any) => e.code));
    assert.equal(camera, 'INVALID_ARGUMENT');
    assert.deepEqual([...new Set(await selectedRemotePorts(listener))], [server.udpPort]);
    const info = await listener.evaluate(() => (window as any).call.state.call);
    assert.equal(info.settings.maxParticipants, 500);
    assert.equal(info.mediaPath, 'sfu');
  });
});
