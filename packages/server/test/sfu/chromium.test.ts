/**
 * Real Chromium pages publishing camera (3-layer simulcast, 1280x720 capture) and microphone
 * through the SFU, with SDP carried directly by Playwright (no signalling server).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import nodeDataChannel from 'node-datachannel';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createSfu, type Router, type RouterEvents, type Sfu } from '../../src/sfu/index.js';
import { CHROMIUM, CHROMIUM_ARGS as ARGS } from '../../../../e2e/helpers/chromium-flags.js';
import { waitFor } from './helpers/synthetic.js';

const T = 45_000;
const PARTICIPANTS = ['p1', 'p2', 'p3'];

/** Page glue: wires the harness classes to functions Playwright exposes. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>sfu test</title>
<script type="module">
import { PublisherTransport, SubscriberTransport, selectedRemotePort, inboundVideo } from './browser-harness.js';
const publishers = new Map();
let subscriber;
window.app = {
  async start(id) {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 1280, height: 720 } });
    subscriber = new SubscriberTransport({
      signal: { answer: (sdp) => window.sfuSubscriberAnswer(sdp), candidate: (c, mid) => window.sfuSubscriberCandidate(c, mid) },
    });
    for (const track of stream.getTracks()) {
      const trackId = id + ':' + track.kind;
      const p = new PublisherTransport({
        track, trackId, streamKey: id + '-camera', streams: [stream], simulcast: track.kind === 'video',
        signal: { publish: (...a) => window.sfuPublish(...a), candidate: (...a) => window.sfuPublisherCandidate(...a) },
      });
      publishers.set(trackId, p);
      await p.start();
    }
  },
  handleOffer: (sdp, tracks) => subscriber.handleOffer(sdp, tracks),
  addCandidate: (c, mid) => subscriber.addCandidate(c, mid),
  setActiveLayers: (trackId, rids) => publishers.get(trackId)?.setActiveLayers(rids),
  async video(trackId) {
    const r = subscriber?.receiverFor(trackId);
    return r ? inboundVideo(r) : undefined;
  },
  async ports() {
    const out = { subscriber: subscriber ? await selectedRemotePort(subscriber.pc) : undefined, publishers: [] };
    for (const p of publishers.values()) out.publishers.push(await selectedRemotePort(p.pc));
    return out;
  },
  closeSubscriber() {
    subscriber?.close();
  },
  close() {
    for (const p of publishers.values()) p.close();
    subscriber?.close();
  },
};
</script>`;

interface VideoStats {
  framesDecoded: number;
  frameWidth: number;
  frameHeight: number;
}

describe('SFU with Chromium', { skip: !existsSync(CHROMIUM) && `${CHROMIUM} not installed` }, () => {
  let sfu: Sfu;
  let router: Router;
  let server: http.Server;
  let context: BrowserContext | undefined;
  let userDataDir: string;
  const pages = new Map<string, Page>();
  const audioLevels: Array<RouterEvents['audioLevel']> = [];
  const errors: string[] = [];

  const video = (viewer: string, trackId: string) =>
    pages.get(viewer)!.evaluate((t) => (globalThis as unknown as { app: { video(t: string): Promise<VideoStats | undefined> } }).app.video(t), trackId);

  before(async () => {
    sfu = await createSfu({ udpPort: 0, bindAddress: '127.0.0.1', announcedAddress: '127.0.0.1' });
    router = sfu.createRouter('room');
    const harness = readFileSync(new URL('./browser-harness.js', import.meta.url), 'utf8');
    server = http.createServer((req, res) => {
      if (req.url === '/browser-harness.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(harness);
      } else {
        res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    userDataDir = mkdtempSync(path.join(os.tmpdir(), 'confab-sfu-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: ARGS });

    router.on('audioLevel', (e) => audioLevels.push(e));
    // Everybody whose page is up subscribes to every track of the others.
    const ready = new Set<string>();
    router.on('trackPublished', ({ trackId, endpointId }) => {
      for (const id of ready) if (id !== endpointId) router.subscribe(id, trackId);
    });
    // Dynacast: the publisher encodes only the layers somebody receives.
    router.on('layersNeeded', ({ trackId, endpointId, rids }) => {
      const page = pages.get(endpointId);
      page?.evaluate(([t, r]) => (globalThis as unknown as { app: { setActiveLayers(t: string, r: string[]): Promise<void> } }).app.setActiveLayers(t, r), [trackId, rids] as const)
        .catch((e: Error) => errors.push(`setActiveLayers: ${e.message}`));
    });

    for (const id of PARTICIPANTS) {
      const page = await context.newPage();
      pages.set(id, page);
      page.on('pageerror', (e) => errors.push(`${id}: ${e.message}`));
      const ep = router.createEndpoint(id);
      await page.exposeFunction('sfuPublish', (trackId: string, kind: 'audio' | 'video', streamKey: string, offer: string) =>
        ep.publish({ trackId, kind, streamKey, offer }).answer,
      );
      await page.exposeFunction('sfuPublisherCandidate', (trackId: string, c: string, mid: string) => ep.addIceCandidate({ publisher: trackId }, c, mid));
      await page.exposeFunction('sfuSubscriberAnswer', (sdp: string) => ep.setSubscriberAnswer(sdp));
      await page.exposeFunction('sfuSubscriberCandidate', (c: string, mid: string) => ep.addIceCandidate('subscriber', c, mid));
      type App = { app: { handleOffer(s: string, t: unknown): Promise<void>; addCandidate(c: string, m: string): Promise<void> } };
      ep.on('subscriberOffer', ({ sdp, tracks }) => {
        page.evaluate(([s, t]) => (globalThis as unknown as App).app.handleOffer(s, t), [sdp, tracks] as const).catch((e: Error) => errors.push(`offer: ${e.message}`));
      });
      ep.on('subscriberCandidate', ({ candidate, sdpMid }) => {
        page.evaluate(([c, m]) => (globalThis as unknown as App).app.addCandidate(c, m), [candidate, sdpMid] as const).catch((e: Error) => errors.push(`candidate: ${e.message}`));
      });
      await page.goto(url);
      await page.evaluate((pid) => (globalThis as unknown as { app: { start(id: string): Promise<void> } }).app.start(pid), id);
      ready.add(id);
      for (const t of router.listTracks()) if (t.endpointId !== id) router.subscribe(id, t.trackId);
    }
  });

  after(async () => {
    for (const page of pages.values()) await page.evaluate(() => (globalThis as unknown as { app: { close(): void } }).app.close()).catch(() => {});
    await context?.close().catch(() => {});
    sfu?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    nodeDataChannel.cleanup();
  });

  it('every page decodes every other page\'s video through the SFU port', async () => {
    for (const viewer of PARTICIPANTS) {
      for (const publisher of PARTICIPANTS) {
        if (viewer === publisher) continue;
        const start = Date.now();
        let s: VideoStats | undefined;
        while (!s || s.framesDecoded < 15) {
          if (Date.now() - start > T) throw new Error(`${viewer} does not decode ${publisher}: ${JSON.stringify(s)} ${errors.join('; ')}`);
          await new Promise((r) => setTimeout(r, 200));
          s = await video(viewer, `${publisher}:video`);
        }
      }
    }
    for (const [id, page] of pages) {
      const ports = await page.evaluate(() => (globalThis as unknown as { app: { ports(): Promise<{ subscriber?: number; publishers: number[] }> } }).app.ports());
      assert.equal(ports.subscriber, sfu.udpPort, `${id} subscriber pair`);
      assert.deepEqual(ports.publishers, [sfu.udpPort, sfu.udpPort], `${id} publisher pairs`);
    }
    assert.deepEqual(errors, []);
  });

  it('reports the audio level of every microphone', async () => {
    await waitFor(() => PARTICIPANTS.every((id) => audioLevels.some((e) => e.trackId === `${id}:audio` && e.level > 0)), T, 'audio levels');
    assert.ok(audioLevels.every((e) => e.level >= 0 && e.level <= 1));
  });

  it('sends a lower layer to a subscriber asking for a small size, and back up for a large one', async () => {
    const poll = async (cond: (s: VideoStats) => boolean, what: string) => {
      const start = Date.now();
      let s: VideoStats | undefined;
      while (!s || !cond(s)) {
        if (Date.now() - start > T) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s)}`);
        await new Promise((r) => setTimeout(r, 200));
        s = await video('p2', 'p1:video');
      }
      return s;
    };
    const big = await poll((s) => s.frameWidth > 320, 'a layer above 320 wide');
    router.updateSubscription('p2', 'p1:video', { maxWidth: 320, maxHeight: 180 });
    const small = await poll((s) => s.frameWidth > 0 && s.frameWidth <= 320, 'the 320x180 layer');
    await poll((s) => s.framesDecoded > small.framesDecoded + 10, 'frames of the small layer');
    router.updateSubscription('p2', 'p1:video', { maxWidth: 1280, maxHeight: 720 });
    const back = await poll((s) => s.frameWidth > 320, 'a layer above 320 wide again');
    await poll((s) => s.framesDecoded > back.framesDecoded + 10, 'frames of the large layer');
    assert.ok(big.frameWidth >= 640, `large layer width ${big.frameWidth}`);
    if (process.env.SFU_TEST_VERBOSE) console.log('widths', big, small, back, sfu.stats());
    // Other viewers keep their own layer.
    const p3 = await video('p3', 'p1:video');
    assert.ok(p3 && p3.frameWidth > 320, `p3 still gets a large layer (${p3?.frameWidth})`);
  });

  it('closes the endpoint whose browser closes its subscriber connection', async () => {
    const p3 = router.getEndpoint('p3')!;
    const closed: string[] = [];
    p3.on('closed', (e) => closed.push(e.reason));
    const t0 = Date.now();
    await pages.get('p3')!.evaluate(() => (globalThis as unknown as { app: { closeSubscriber(): void } }).app.closeSubscriber());
    await waitFor(() => p3.closed, T, 'p3 endpoint closed');
    assert.deepEqual(closed, ['ice-failed']);
    assert.equal(router.getTrack('p3:video'), undefined, "p3's tracks are unpublished with it");
    if (process.env.SFU_TEST_VERBOSE) console.log(`endpoint closed ${Date.now() - t0} ms after the browser closed its connection`);
  });

  it('releases every resource when the pages leave', async () => {
    for (const page of pages.values()) await page.evaluate(() => (globalThis as unknown as { app: { close(): void } }).app.close());
    for (const id of PARTICIPANTS) router.getEndpoint(id)?.close();
    await waitFor(() => sfu.stats().tracks === 0, T, 'tracks released');
    const s = sfu.stats();
    assert.deepEqual(
      { endpoints: s.endpoints, peerConnections: s.peerConnections, publishedTracks: s.publishedTracks, subscriptions: s.subscriptions, cachedPackets: s.cachedPackets },
      { endpoints: 0, peerConnections: 0, publishedTracks: 0, subscriptions: 0, cachedPackets: 0 },
    );
  });
});
