import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium-flags.js';

export { CHROMIUM, CHROMIUM_ARGS };

/** Headless Debian Chromium with fake camera and microphone; each launch gets a fresh profile. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Instrumentation for tests: every RTCPeerConnection and every captured track is recorded, so a
 * test can check that leaving released them; and a way to count decoded frames of a stream.
 */
const INSTRUMENTATION = `(() => {
  // tsx compiles test files with keepNames; functions handed to page.evaluate may call __name.
  globalThis.__name = globalThis.__name || ((f) => f);
  const t = (window.__confabTest = { pcs: [], tracks: [], videos: {} });
  const Orig = window.RTCPeerConnection;
  if (Orig) {
    window.RTCPeerConnection = class extends Orig {
      constructor(...args) { super(...args); t.pcs.push(this); }
    };
  }
  const md = navigator.mediaDevices;
  if (md) {
    for (const name of ['getUserMedia', 'getDisplayMedia']) {
      const orig = md[name] && md[name].bind(md);
      if (!orig) continue;
      md[name] = async (c) => { const s = await orig(c); t.tracks.push(...s.getTracks()); return s; };
    }
  }
  t.openPcs = () => t.pcs.filter((pc) => pc.connectionState !== 'closed' || pc.signalingState !== 'closed').length;
  t.liveTracks = () => t.tracks.filter((tr) => tr.readyState === 'live').length;
  let nextVideo = 1;
  t.watch = (stream) => {
    const id = 'v' + nextVideo++;
    const v = document.createElement('video');
    v.muted = true; v.autoplay = true; v.playsInline = true; v.width = 160;
    v.srcObject = stream;
    document.body.appendChild(v);
    const entry = { v, frames: 0, width: 0, height: 0 };
    const count = (_now, meta) => { entry.frames++; entry.width = meta.width; entry.height = meta.height; v.requestVideoFrameCallback(count); };
    v.requestVideoFrameCallback(count);
    v.play().catch(() => {});
    t.videos[id] = entry;
    return id;
  };
  t.frames = (id) => { const e = t.videos[id]; return e ? { frames: e.frames, width: e.width, height: e.height } : null; };
  t.unwatch = (id) => { const e = t.videos[id]; if (e) { e.v.srcObject = null; e.v.remove(); delete t.videos[id]; } };
})();`;

export async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.addInitScript(INSTRUMENTATION);
  return context;
}

/**
 * A page on the server's /sdk/ sandbox with the SDK imported as `window.sdk`, a demo token for
 * `userId`, and a connected `window.client`.
 */
export interface SdkPageOptions {
  /** DefaultReconnectPolicy options for the page's client (plain data). */
  policy?: Record<string, number>;
  /** A token to use instead of a demo token (e.g. one with role guest or host). */
  token?: string;
}

export async function openSdkPage(context: BrowserContext, serverUrl: string, userId: string, name = userId, options: SdkPageOptions = {}): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page ${userId}] ${error.message}`));
  await page.goto(`${serverUrl}/sdk/`);
  await page.evaluate(
    async ({ userId, name, policy, given }) => {
      const w = window as unknown as Record<string, unknown>;
      const sdk = await import('/sdk/confab.js' as string);
      const token =
        given ??
        (
          await (
            await fetch('/api/demo/token', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ userId, name }),
            })
          ).json()
        ).token;
      const reconnectPolicy = policy ? new sdk.DefaultReconnectPolicy(policy) : undefined;
      const client = new sdk.ConfabClient({ url: location.origin, token, user: { id: userId, name }, reconnectPolicy });
      await client.connect();
      w.sdk = sdk;
      w.client = client;
      w.token = token;
    },
    { userId, name, policy: options.policy, given: options.token },
  );
  return page;
}

/**
 * Makes the page behave as if behind a NAT: its peer connections never signal their own ICE
 * candidates, so a server learns the page's address only from the packets that reach it (through
 * a UdpRelay, say), and cutting that relay really cuts the media path.
 */
export async function hideHostCandidates(page: Page): Promise<void> {
  await page.evaluate(() => {
    let proto = RTCPeerConnection.prototype as object;
    while (!Object.getOwnPropertyDescriptor(proto, 'onicecandidate')) proto = Object.getPrototypeOf(proto);
    const desc = Object.getOwnPropertyDescriptor(proto, 'onicecandidate')!;
    Object.defineProperty(RTCPeerConnection.prototype, 'onicecandidate', {
      configurable: true,
      get() {
        return desc.get!.call(this);
      },
      set(handler: ((e: RTCPeerConnectionIceEvent) => void) | null) {
        desc.set!.call(this, handler && ((e: RTCPeerConnectionIceEvent) => (e.candidate ? undefined : handler(e))));
      },
    });
  });
}
