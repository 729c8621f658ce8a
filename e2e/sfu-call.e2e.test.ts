import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newContext, openSdkPage } from './helpers/browser.js';
import {
  callingState,
  joinCall,
  packetsReceived,
  participants,
  remoteTrackId,
  resources,
  selectedRemotePorts,
  waitForEvent,
  waitForFrames,
  watchRemoteVideo,
} from './helpers/call-page.js';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { waitUntil } from './helpers/wait.js';

const USERS = ['ada', 'bo', 'cy', 'di'];

async function metric(server: ServerProcess, name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : NaN;
}

describe('a default (SFU) call of four in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  const pages = new Map<string, Page>();

  before(async () => {
    server = await startServerProcess();
    browser = await launchBrowser();
    for (const user of USERS) pages.set(user, await openSdkPage(await newContext(browser), server.url, user));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('every page decodes every other, through the SFU UDP port only', async () => {
    for (const [i, user] of USERS.entries()) {
      await joinCall(pages.get(user)!, 'default', 'sfu-four', { create: i === 0, audio: true, video: { width: 640, height: 360, frameRate: 15 } });
    }
    for (const user of USERS) {
      const page = pages.get(user)!;
      for (const other of USERS.filter((u) => u !== user)) await waitForFrames(page, await watchRemoteVideo(page, other), 5, 30_000);
      const ports = await selectedRemotePorts(page);
      // Three publisher connections (mic, camera... as published) and one subscriber connection.
      assert.ok(ports.length >= 2, `${user}: ${ports.length} connected`);
      assert.deepEqual([...new Set(ports)], [server.udpPort], `${user} talks only to the SFU port`);
    }
    assert.equal(await metric(server, 'confab_sfu_endpoints'), 4);
  });

  it('audio levels reach the state', async () => {
    const ada = pages.get('ada')!;
    await waitUntil(async () => (await participants(ada)).filter((p) => !p.isLocal && p.audioLevel > 0).length === 3, 'levels of the three others', 15_000);
  });

  it('muting stops the packets at the SFU and shows on the others', async () => {
    const ada = pages.get('ada')!;
    const bo = pages.get('bo')!;
    const track = (await remoteTrackId(bo, 'ada', 'videoStream'))!;
    await ada.evaluate(() => (window as any).call.camera.disable());
    await waitForEvent(bo, 'track.unpublished', (p) => p.kind === 'video');
    assert.deepEqual((await participants(bo)).find((p) => p.userId === 'ada')!.publishedTracks, ['audio']);
    // Let packets in flight arrive, then nothing more may come.
    let last = await packetsReceived(bo, track);
    await waitUntil(async () => {
      const now = await packetsReceived(bo, track);
      const settled = now === last;
      last = now;
      return settled;
    }, 'video packets to stop', 10_000, 700);
    const stopped = await packetsReceived(bo, track);
    await new Promise((r) => setTimeout(r, 1500)); // a window in which a muted track must stay silent
    assert.equal(await packetsReceived(bo, track), stopped);
    await ada.evaluate(() => (window as any).call.camera.enable());
    await waitForEvent(bo, 'track.published', (p) => p.kind === 'video');
    await waitUntil(async () => (await packetsReceived(bo, track)) > stopped, 'video packets again', 10_000);
  });

  it('leaving frees every endpoint of the server and every resource of the page', async () => {
    for (const user of USERS) await pages.get(user)!.evaluate(() => (window as any).call.leave());
    for (const user of USERS) {
      assert.equal(await callingState(pages.get(user)!), 'left');
      assert.deepEqual(await resources(pages.get(user)!), { openPcs: 0, liveTracks: 0 });
    }
    await waitUntil(async () => (await metric(server, 'confab_sfu_endpoints')) === 0, 'no endpoints left');
    assert.equal(await metric(server, 'confab_sfu_peer_connections'), 0);
    assert.equal(await metric(server, 'confab_sfu_tracks'), 0);
    assert.equal(await metric(server, 'confab_sfu_routers'), 0);
  });
});

describe('simulcast layers follow the size a subscriber asks for', () => {
  it('drops to the low layer for a small size and comes back up for a large one', async () => {
    const server = await startServerProcess();
    const browser = await launchBrowser();
    try {
      const pub = await openSdkPage(await newContext(browser), server.url, 'pub');
      const sub = await openSdkPage(await newContext(browser), server.url, 'sub');
      await joinCall(pub, 'default', 'layers', { create: true, video: { width: 1280, height: 720 } });
      await joinCall(sub, 'default', 'layers', {});
      const watch = await watchRemoteVideo(sub, 'pub');
      const pubSession = (await participants(sub)).find((p) => p.userId === 'pub')!.sessionId;
      const ask = (maxWidth: number, maxHeight: number) =>
        sub.evaluate(({ s, w, h }) => (window as any).call.updateSubscription(s, 'video', { maxWidth: w, maxHeight: h }), { s: pubSession, w: maxWidth, h: maxHeight });
      await ask(1280, 720);
      await waitUntil(async () => (await waitForFrames(sub, watch, 3)).width === 1280, 'the full layer', 40_000, 200);
      await ask(320, 180);
      await waitUntil(async () => (await waitForFrames(sub, watch, 3)).width === 320, 'the low layer', 20_000, 200);
      await ask(1280, 720);
      await waitUntil(async () => (await waitForFrames(sub, watch, 3)).width === 1280, 'back to the full layer', 40_000, 200);
      assert.equal(await sub.evaluate(() => (window as any).call.subscriptionMode), 'manual');
    } finally {
      await browser.close();
      await server.stop();
    }
  });
});
