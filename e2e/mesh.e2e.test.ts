import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newContext, openSdkPage } from './helpers/browser.js';
import { callingState, joinCall, participants, resources, waitForFrames, watchRemoteVideo } from './helpers/call-page.js';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';

const USERS = ['ann', 'ben', 'cat', 'dan'];

describe('four-way p2p mesh in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  const pages = new Map<string, Page>();

  before(async () => {
    server = await startServerProcess();
    browser = await launchBrowser();
    for (const user of [...USERS, 'eve']) pages.set(user, await openSdkPage(await newContext(browser), server.url, user));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('every page decodes the three others', async () => {
    for (const [i, user] of USERS.entries()) {
      // Small video keeps 12 encoders and 12 decoders within two cores.
      await joinCall(pages.get(user)!, 'p2p', 'mesh', { create: i === 0, audio: true, video: { width: 320, height: 240, frameRate: 15 } });
    }
    for (const user of USERS) {
      const page = pages.get(user)!;
      assert.equal(await callingState(page), 'joined');
      const others = USERS.filter((u) => u !== user);
      for (const other of others) {
        const watch = await watchRemoteVideo(page, other);
        await waitForFrames(page, watch, 5, 30_000);
      }
      const ps = await participants(page);
      assert.deepEqual(ps.filter((p) => !p.isLocal).map((p) => p.userId).sort(), others);
    }
  });

  it('refuses a fifth participant with CALL_FULL', async () => {
    const eve = pages.get('eve')!;
    const result = await eve.evaluate(async () => {
      const call = (window as any).client.call('p2p', 'mesh');
      try {
        await call.join({ audio: true, video: true });
        return { joined: true };
      } catch (error: any) {
        return { joined: false, name: error.name, code: error.code, state: call.state.callingState };
      }
    });
    assert.deepEqual(result, { joined: false, name: 'ConfabError', code: 'CALL_FULL', state: 'idle' });
    // Devices enabled for the failed join are released again.
    assert.equal((await resources(eve)).liveTracks, 0);
  });

  it('everyone leaves and every peer connection and track is released', async () => {
    for (const user of USERS) await pages.get(user)!.evaluate(() => (window as any).call.leave());
    for (const user of USERS) assert.deepEqual(await resources(pages.get(user)!), { openPcs: 0, liveTracks: 0 });
  });
});
