import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newContext } from './helpers/browser.js';
import { selectedRemotePorts } from './helpers/call-page.js';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { fillLobby, joinFromLobby, openWebApp, tile, waitForTileFrames } from './helpers/web-app.js';

const PEOPLE = ['Ana', 'Ben', 'Cam', 'Dee', 'Eli'];

describe('web app: a large call of five through the SFU, through the real UI', () => {
  let server: ServerProcess;
  let browser: Browser;
  const pages = new Map<string, Page>();

  before(async () => {
    server = await startServerProcess();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('five people join a default call from the lobby and each sees the four others', async () => {
    for (const name of PEOPLE) {
      const page = await openWebApp(await newContext(browser), server.url);
      await fillLobby(page, { name, callId: 'all-hands', callType: 'default' });
      await joinFromLobby(page);
      pages.set(name, page);
    }
    for (const [name, page] of pages) {
      for (const other of PEOPLE.filter((p) => p !== name)) {
        await tile(page, other.toLowerCase()).waitFor({ timeout: 20_000 });
        await waitForTileFrames(page, other.toLowerCase(), 5, 40_000);
      }
      assert.deepEqual([...new Set(await selectedRemotePorts(page))], [server.udpPort], `${name} talks to the SFU port only`);
    }
  });
});
