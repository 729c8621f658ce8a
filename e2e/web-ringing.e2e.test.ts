import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newContext } from './helpers/browser.js';
import { resources } from './helpers/call-page.js';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { waitUntil } from './helpers/wait.js';
import {
  callFromLobby,
  openLobbyOnline,
  openWebApp,
  tile,
  waitForAttribute,
  waitForIncomingCall,
  waitForLobbyNotice,
  waitForPresence,
  waitForTileFrames,
} from './helpers/web-app.js';

/** Alice rings Bob from her lobby; Bob accepts; both are on the call screen with video flowing. */
async function callAndAccept(alice: Page, bob: Page): Promise<void> {
  await callFromLobby(alice, 'bob');
  await waitForIncomingCall(bob);
  await bob.getByTestId('accept-call').click();
  await bob.getByTestId('call-screen').waitFor({ timeout: 15_000 });
  await alice.getByTestId('call-screen').waitFor({ timeout: 15_000 });
  await waitForTileFrames(alice, 'bob');
  await waitForTileFrames(bob, 'alice');
}

describe('web app: calling people by id, through the real UI', () => {
  let server: ServerProcess;
  let browser: Browser;
  let aliceContext: BrowserContext;
  let bobContext: BrowserContext;
  let alice: Page;
  let bob: Page;

  before(async () => {
    server = await startServerProcess();
    browser = await launchBrowser();
    aliceContext = await newContext(browser);
    bobContext = await newContext(browser);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('Bob waits in the lobby; Alice calls "bob"; Bob sees who calls, declines, and Alice sees it', async () => {
    bob = await openLobbyOnline(bobContext, server.url, 'Bob');
    assert.equal(await bob.getByTestId('presence').getAttribute('data-user-id'), 'bob');
    alice = await openLobbyOnline(aliceContext, server.url, 'Alice');

    await callFromLobby(alice, 'bob', 'Release plan');
    assert.equal(await alice.getByTestId('outgoing-callees').innerText(), 'bob');
    assert.equal(await alice.getByTestId('outgoing-status').innerText(), 'Ringing…');
    await waitForAttribute(alice.getByTestId('outgoing-call'), 'data-phase', 'ringing');

    const ring = await waitForIncomingCall(bob);
    assert.equal(ring.caller, 'Alice is calling');
    assert.equal(ring.topic, 'Release plan');
    assert.equal(ring.from, 'alice');
    // The ringtone plays (the test browser allows audio without a gesture); it is WebAudio, not a file.
    await waitForAttribute(bob.getByTestId('incoming-call'), 'data-ringtone', 'playing');

    await bob.getByTestId('decline-call').click();
    await bob.getByTestId('lobby-screen').waitFor();
    assert.equal(await bob.getByTestId('lobby-notice').count(), 0, 'declining is not a missed call');

    await waitForAttribute(alice.getByTestId('callee-bob'), 'data-state', 'rejected');
    assert.equal(await alice.getByTestId('callee-bob').getByTestId('callee-status').innerText(), 'Declined');
    assert.match(await alice.getByTestId('outgoing-status').innerText(), /bob declined/);
    await waitForAttribute(alice.getByTestId('outgoing-call'), 'data-phase', 'unanswered');
    await alice.getByTestId('back-to-lobby').click();
    await alice.getByTestId('lobby-screen').waitFor();
    await waitUntil(async () => (await resources(alice)).openPcs === 0, 'Alice’s unanswered call released');
  });

  it('Alice calls again; Bob accepts; his other device says so; both see each other; Alice ends the call for everyone', async () => {
    await waitForPresence(bob, 'online');
    // Bob is signed in on a second device too: it rings as well, and stops when he answers here.
    const bobElsewhereContext = await newContext(browser);
    const bobElsewhere = await openLobbyOnline(bobElsewhereContext, server.url, 'Bob');
    await callFromLobby(alice, 'bob');
    await waitForIncomingCall(bobElsewhere);
    await waitForIncomingCall(bob);
    await bob.getByTestId('accept-call').click();
    await bob.getByTestId('call-screen').waitFor({ timeout: 15_000 });
    await alice.getByTestId('call-screen').waitFor({ timeout: 15_000 });
    assert.equal(await waitForLobbyNotice(bobElsewhere), 'Answered on another device');
    assert.equal(await bobElsewhere.getByTestId('missed-call').count(), 0);
    await bobElsewhereContext.close();
    await waitForTileFrames(alice, 'bob');
    await waitForTileFrames(bob, 'alice');
    await waitForAttribute(alice.getByTestId('participant-count'), 'data-count', '2');
    assert.match(await tile(alice, 'bob').innerText(), /Bob/);
    assert.match(await tile(bob, 'alice').innerText(), /Alice/);

    // Only the creator may end it for everyone.
    assert.equal(await bob.getByTestId('end-call-button').count(), 0);
    await alice.getByTestId('end-call-button').click();
    await alice.getByTestId('end-call-confirm').click();

    await bob.getByTestId('left-screen').waitFor({ timeout: 10_000 });
    assert.equal(await bob.getByTestId('left-title').innerText(), 'The call was ended');
    assert.equal(await bob.getByTestId('rejoin-button').count(), 0, 'an ended call cannot be rejoined');
    await alice.getByTestId('left-screen').waitFor({ timeout: 10_000 });
    assert.equal(await alice.getByTestId('left-title').getAttribute('data-reason'), 'ended');
    for (const page of [alice, bob]) {
      await waitUntil(async () => {
        const r = await resources(page);
        return r.openPcs === 0 && r.liveTracks === 0;
      }, 'peer connections and tracks released');
      await page.getByTestId('back-to-lobby').click();
      await page.getByTestId('lobby-screen').waitFor();
    }
  });

  it('Alice cancels before Bob answers: Bob’s ringing stops with a notice and a missed call', async () => {
    await waitForPresence(bob, 'online');
    await callFromLobby(alice, 'bob');
    await waitForIncomingCall(bob);
    await alice.getByTestId('cancel-call').click();
    await alice.getByTestId('lobby-screen').waitFor();

    await bob.getByTestId('lobby-screen').waitFor({ timeout: 10_000 });
    assert.equal(await bob.getByTestId('incoming-call-screen').count(), 0);
    assert.equal(await waitForLobbyNotice(bob), 'Missed call from Alice');
    const missed = bob.getByTestId('missed-call');
    await missed.first().waitFor();
    assert.equal(await missed.count(), 1);
    assert.equal(await missed.first().getAttribute('data-from'), 'alice');
    assert.match(await missed.first().innerText(), /Alice/);
  });

  it('a callee with no open app: opening the ring link (?incoming=1) lands on the incoming call', async () => {
    // Carol used Confab in this browser before: the app remembers who she is.
    const carolContext = await newContext(browser);
    const before = await openLobbyOnline(carolContext, server.url, 'Carol');
    await before.close();

    await callFromLobby(alice, 'carol', 'Roadmap');
    const cid = (await alice.getByTestId('outgoing-call').getAttribute('data-cid')) ?? '';
    const [type, id] = cid.split(':');
    assert.equal(type, 'p2p');
    // What a click on the push notification opens (see apps/web/public/sw.js).
    const carol = await openWebApp(carolContext, server.url, `/call/${type}/${id}?incoming=1`);
    assert.equal(await carol.getByTestId('incoming-link-hint').count(), 1);
    const ring = await waitForIncomingCall(carol);
    assert.equal(ring.caller, 'Alice is calling');
    assert.equal(ring.topic, 'Roadmap');
    await carol.getByTestId('accept-call').click();
    await carol.getByTestId('call-screen').waitFor({ timeout: 15_000 });
    assert.equal(new URL(carol.url()).search, '', 'the ring link is not kept once answered');
    await alice.getByTestId('call-screen').waitFor({ timeout: 15_000 });
    await waitForTileFrames(alice, 'carol');
    await waitForTileFrames(carol, 'alice');

    await carol.getByTestId('leave-button').click();
    await carol.getByTestId('left-screen').waitFor();
    await alice.getByTestId('leave-button').click();
    await alice.getByTestId('back-to-lobby').click();
    await alice.getByTestId('lobby-screen').waitFor();
    await carolContext.close();
  });

  it('registers the service worker; no push service here is a quiet hint; a pushed ring shows and closes a notification', async () => {
    const context = await newContext(browser);
    await context.grantPermissions(['notifications'], { origin: server.url });
    const dora = await openLobbyOnline(context, server.url, 'Dora');
    const hint = dora.getByTestId('push-status');
    await hint.waitFor();
    // Headless Chromium has no push service: subscribing fails, and the lobby says so without alarm.
    await waitUntil(async () => (await hint.getAttribute('data-state')) !== 'subscribing', 'push subscription settled', 15_000);
    assert.ok(['unavailable', 'subscribed'].includes((await hint.getAttribute('data-state')) ?? ''));
    assert.equal(await dora.getByRole('alert').count(), 0, 'no error shown');

    // The server's pushes, delivered to the service worker as a push service would.
    const cdp = await context.newCDPSession(dora);
    const registrations: { registrationId: string; scopeURL: string }[] = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
    await cdp.send('ServiceWorker.enable');
    const registration = await waitUntil(() => registrations.find((r) => r.scopeURL === `${server.url}/`), 'the service worker registration');
    const push = (data: object) => cdp.send('ServiceWorker.deliverPushMessage', { origin: server.url, registrationId: registration.registrationId, data: JSON.stringify(data) });
    const shown = () =>
      dora.evaluate(async () => {
        const reg = await navigator.serviceWorker.getRegistration();
        return (await reg!.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, requireInteraction: n.requireInteraction, url: n.data?.url }));
      });
    await push({ type: 'call.ring', cid: 'p2p:pushed', callType: 'p2p', callId: 'pushed', from: { userId: 'alice', name: 'Alice' }, custom: {}, url: '/call/p2p/pushed?incoming=1' });
    const [notification] = await waitUntil(async () => ((await shown()).length ? shown() : null), 'the ring notification');
    assert.deepEqual(notification, { title: 'Incoming call', body: 'Alice is calling', tag: 'p2p:pushed', requireInteraction: true, url: '/call/p2p/pushed?incoming=1' });
    await push({ type: 'call.ring.stopped', cid: 'p2p:pushed', callType: 'p2p', callId: 'pushed', url: '/call/p2p/pushed' });
    await waitUntil(async () => (await shown()).length === 0, 'the ring notification closed');
    await context.close();
  });

  it('shows "Reconnecting…" while the server is down, and the call comes back with video', async () => {
    await callAndAccept(alice, bob);
    assert.equal(await alice.getByTestId('connection-banner').count(), 0);

    await server.kill();
    for (const page of [alice, bob]) {
      const banner = page.getByTestId('connection-banner');
      await banner.waitFor({ timeout: 10_000 });
      assert.equal(await banner.getAttribute('data-state'), 'reconnecting');
      assert.equal(await banner.innerText(), 'Reconnecting…');
    }
    // The grid stays while reconnecting.
    assert.equal(await tile(alice, 'bob').count(), 1);

    await server.restart();
    for (const page of [alice, bob]) {
      await page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 30_000 });
      await waitForAttribute(page.getByTestId('call-screen'), 'data-calling-state', 'joined');
    }
    await waitForTileFrames(alice, 'bob');
    await waitForTileFrames(bob, 'alice');
    await waitForAttribute(alice.getByTestId('participant-count'), 'data-count', '2');
  });
});
