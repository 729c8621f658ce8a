import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const FIREFOX = process.env.CONFAB_FIREFOX ?? '/usr/bin/firefox-esr';

/** Debian's Firefox ESR over WebDriver BiDi, with fake camera and microphone. */
export function launchFirefox(): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: {
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      // Same-machine tests: let ICE use loopback addresses too (Firefox skips them by default).
      'media.peerconnection.ice.loopback': true,
    },
  });
}

/** A Firefox page on the server's /sdk/ sandbox with a connected `window.client` for `userId`. */
export async function openFirefoxSdkPage(browser: Browser, serverUrl: string, userId: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${serverUrl}/sdk/`);
  // tsx compiles test files with keepNames; functions handed to the page may call __name.
  await page.evaluate('globalThis.__name = globalThis.__name || ((f) => f)');
  await page.evaluate(async (userId: string) => {
    const w = window as any;
    const sdk = await import('/sdk/confab.js' as string);
    const res = await fetch('/api/demo/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
    w.client = new sdk.ConfabClient({ url: location.origin, token: (await res.json()).token });
    await w.client.connect();
  }, userId);
  return page;
}

/** Decoded video frames of a remote participant's stream in a Firefox page (counted on a <video>). */
export async function firefoxFrames(page: Page, userId: string): Promise<{ frames: number; width: number }> {
  return page.evaluate((userId: string) => {
    const w = window as any;
    const p = w.call.state.remoteParticipants.find((x: any) => x.userId === userId);
    if (!p?.videoStream) return { frames: 0, width: 0 };
    w.ffVideos ??= {};
    let entry: { v: HTMLVideoElement; frames: number } = w.ffVideos[p.videoStream.id];
    if (!entry) {
      const v = document.createElement('video');
      v.muted = true;
      v.srcObject = p.videoStream;
      document.body.appendChild(v);
      void v.play();
      entry = { v, frames: 0 };
      const count = () => {
        entry.frames++;
        v.requestVideoFrameCallback(count);
      };
      v.requestVideoFrameCallback(count);
      w.ffVideos[p.videoStream.id] = entry;
    }
    return { frames: entry.frames, width: entry.v.videoWidth };
  }, userId);
}
