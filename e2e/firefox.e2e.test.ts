import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser as Chromium } from 'playwright-core';
import type { Browser as Firefox } from 'puppeteer-core';
import { launchBrowser, newContext, openSdkPage } from './helpers/browser.js';
import { joinCall, waitForFrames, watchRemoteVideo } from './helpers/call-page.js';
import { firefoxFrames, launchFirefox, openFirefoxSdkPage } from './helpers/firefox.js';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { waitUntil } from './helpers/wait.js';

describe('Firefox and Chromium in one call', () => {
  let server: ServerProcess;
  let chromium: Chromium;
  let firefox: Firefox;

  before(async () => {
    // Announce every local address, as a default install does.
    server = await startServerProcess({ env: { CONFAB_PUBLIC_IP: '' } });
    chromium = await launchBrowser();
    firefox = await launchFirefox();
  });

  after(async () => {
    await firefox?.close();
    await chromium?.close();
    await server?.stop();
  });

  for (const type of ['p2p', 'default'] as const) {
    it(`${type}: each decodes the other's video`, async () => {
      const fox = await openFirefoxSdkPage(firefox, server.url, `fox-${type}`);
      await fox.evaluate(async (type: string) => {
        const w = window as any;
        w.call = w.client.call(type, 'cross-browser');
        await w.call.join({ create: true, audio: true, video: true });
      }, type);
      const chrome = await openSdkPage(await newContext(chromium), server.url, `chrome-${type}`);
      await joinCall(chrome, type, 'cross-browser', { audio: true, video: true });
      await waitForFrames(chrome, await watchRemoteVideo(chrome, `fox-${type}`), 10, 30_000);
      const start = (await firefoxFrames(fox, `chrome-${type}`)).frames;
      await waitUntil(async () => {
        const f = await firefoxFrames(fox, `chrome-${type}`);
        return f.width > 0 && f.frames >= start + 10;
      }, 'Firefox decoding Chromium', 30_000, 250);
      await fox.evaluate(() => (window as any).call.leave());
      assert.equal(await fox.evaluate(() => (window as any).call.state.callingState), 'left');
      await chrome.evaluate(() => (window as any).call.leave());
    });
  }
});
