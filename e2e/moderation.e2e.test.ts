import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { signToken, type Role } from '../packages/server/src/auth/tokens.js';
import { launchBrowser, newContext, openSdkPage } from './helpers/browser.js';
import { callingState, joinCall, participants, resources, waitForEvent, waitForFrames, watchRemoteVideo } from './helpers/call-page.js';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { waitUntil } from './helpers/wait.js';

const credentials = { apiKey: 'confab_e2e_moderation', apiSecret: 'e2e-moderation-secret-0123456789' };
const tokenFor = (userId: string, role: Role) => signToken({ userId, name: userId, role, ttlSeconds: 600 }, credentials);

/** What a call method rejects with (its code), or 'ok'. */
function attempt(page: Page, script: string): Promise<string> {
  return page.evaluate((script) => new Function('call', `return (${script})`)((window as any).call).then(() => 'ok', (e: any) => e.code), script);
}

describe('moderation in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let host: Page;
  let user: Page;
  let guest: Page;

  before(async () => {
    server = await startServerProcess({ env: { CONFAB_API_KEY: credentials.apiKey, CONFAB_API_SECRET: credentials.apiSecret } });
    browser = await launchBrowser();
    host = await openSdkPage(await newContext(browser), server.url, 'hana', 'hana', { token: await tokenFor('hana', 'user') });
    user = await openSdkPage(await newContext(browser), server.url, 'ugo', 'ugo', { token: await tokenFor('ugo', 'user') });
    guest = await openSdkPage(await newContext(browser), server.url, 'gita', 'gita', { token: await tokenFor('gita', 'guest') });
    // hana creates the call, so she has host capabilities in it.
    await joinCall(host, 'p2p', 'moderated', { create: true, audio: true, video: true });
    await joinCall(user, 'p2p', 'moderated', { audio: true, video: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('refuses endCall and kick from a plain user', async () => {
    assert.equal(await attempt(user, "call.endCall()"), 'FORBIDDEN');
    assert.equal(await attempt(user, "call.kick('hana')"), 'FORBIDDEN');
    const caps = await user.evaluate(() => (window as any).call.state.ownCapabilities);
    assert.ok(!caps.includes('kick') && caps.includes('publish-video'));
    assert.ok((await host.evaluate(() => (window as any).call.state.ownCapabilities)).includes('kick'));
  });

  it('mutes a participant, who can unmute; censors one, who cannot until uncensored', async () => {
    await host.evaluate(() => (window as any).call.muteUser('ugo', 'audio'));
    await waitUntil(() => user.evaluate(() => !(window as any).call.microphone.enabled), 'ugo muted');
    await waitUntil(async () => !(await participants(host)).find((p) => p.userId === 'ugo')!.publishedTracks.includes('audio'), 'host sees ugo muted');
    assert.equal(await attempt(user, 'call.microphone.enable()'), 'ok');

    await host.evaluate(() => (window as any).call.censorTrack('ugo', 'video'));
    await waitUntil(() => user.evaluate(() => !(window as any).call.camera.enabled), 'ugo camera off');
    assert.equal(await attempt(user, 'call.camera.enable()'), 'FORBIDDEN');
    assert.equal(await user.evaluate(() => (window as any).call.camera.enabled), false);
    const ugoAtHost = (await participants(host)).find((p) => p.userId === 'ugo')!;
    assert.ok(!ugoAtHost.publishedTracks.includes('video'));
    await host.evaluate(() => (window as any).call.uncensorTrack('ugo', 'video'));
    await waitUntil(async () => (await attempt(user, 'call.camera.enable()')) === 'ok', 'ugo may publish video again');
    const watch = await watchRemoteVideo(host, 'ugo');
    await waitForFrames(host, watch, 10);
  });

  it('keeps a guest from publishing until a host grants it', async () => {
    await joinCall(guest, 'p2p', 'moderated', {});
    assert.equal(await attempt(guest, 'call.microphone.enable()'), 'FORBIDDEN');
    assert.deepEqual(await resources(guest).then((r) => r.liveTracks), 0);
    await host.evaluate(() => {
      const w = window as any;
      w.requests = [];
      w.call.on('permission.requested', (r: any) => w.requests.push(r));
    });
    await guest.evaluate(() => (window as any).call.requestPermissions(['publish-audio']));
    await waitUntil(() => host.evaluate(() => (window as any).requests.length === 1), 'request at host');
    await host.evaluate(() => (window as any).call.grantPermissions('gita', ['publish-audio']));
    await waitUntil(() => guest.evaluate(() => (window as any).call.state.ownCapabilities.includes('publish-audio')), 'grant at guest');
    assert.equal(await attempt(guest, 'call.microphone.enable()'), 'ok');
    await waitUntil(async () => (await participants(host)).find((p) => p.userId === 'gita')?.publishedTracks.includes('audio'), 'guest audio published');
    assert.equal(await attempt(guest, 'call.camera.enable()'), 'FORBIDDEN');
  });

  it('kicks a user (who sees kicked; others see the reason), and a blocked user cannot rejoin', async () => {
    await host.evaluate(() => (window as any).call.kick('ugo', { block: true }));
    await waitForEvent(user, 'kicked');
    await waitUntil(async () => (await callingState(user)) === 'left', 'ugo left');
    const left = await waitForEvent(host, 'participant.left', (p) => p.participant.userId === 'ugo');
    assert.equal(left.payload.reason, 'kicked');
    const leftAtGuest = await waitForEvent(guest, 'participant.left', (p) => p.participant.userId === 'ugo');
    assert.equal(leftAtGuest.payload.reason, 'kicked');
    assert.deepEqual(await resources(user), { openPcs: 0, liveTracks: 0 });
    const rejoin = await user.evaluate(() => (window as any).client.call('p2p', 'moderated').join().then(() => 'ok', (e: any) => e.code));
    assert.equal(rejoin, 'FORBIDDEN');
  });
});
