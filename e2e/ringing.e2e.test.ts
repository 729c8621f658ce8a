import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newContext, openSdkPage } from './helpers/browser.js';
import { callingState, joinCall, recordCallEvents, resources, waitForEvent, waitForFrames, watchRemoteVideo } from './helpers/call-page.js';
import { recordRings, ringState, waitForRing } from './helpers/rings.js';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { waitUntil } from './helpers/wait.js';

describe('ringing in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  const pages: Record<string, Page> = {};

  before(async () => {
    server = await startServerProcess();
    browser = await launchBrowser();
    const devices: [string, string][] = [['alice', 'alice'], ['bob1', 'bob'], ['bob2', 'bob'], ['carol', 'carol'], ['dave', 'dave']];
    for (const [key, user] of devices) {
      pages[key] = await openSdkPage(await newContext(browser), server.url, user, user.toUpperCase());
      await recordRings(pages[key]!);
    }
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('rings three members: one accepts on one of two devices, one rejects, one misses', async () => {
    const { alice, bob1, bob2, carol, dave } = pages as Record<string, Page>;
    await joinCall(alice!, 'p2p', 'ring-e2e', {
      create: true, ring: true, audio: true, video: true,
      members: [{ userId: 'bob' }, { userId: 'carol' }, { userId: 'dave' }],
      custom: { topic: 'design review' },
      settings: { ringTimeoutMs: 4000 },
    });
    for (const p of [bob1!, bob2!, carol!, dave!]) {
      const ring = await waitForRing(p, 'p2p:ring-e2e');
      assert.equal(ring.state, 'ringing');
      assert.deepEqual(ring.from, { userId: 'alice', name: 'ALICE' });
      assert.deepEqual(ring.custom, { topic: 'design review' });
    }
    await bob1!.evaluate(() => ((window as any).call = (window as any).ringCalls['p2p:ring-e2e']));
    await recordCallEvents(bob1!);
    await bob1!.evaluate(() => (window as any).call.accept({ audio: true, video: true }));
    assert.equal(await callingState(bob1!), 'joined');
    await waitUntil(async () => (await ringState(bob2!, 'p2p:ring-e2e')) === 'idle', 'bob2 stops ringing');
    assert.deepEqual(await bob2!.evaluate(() => (window as any).ringStates['p2p:ring-e2e']), ['ringing', 'idle']);
    const accepted = await waitForEvent(alice!, 'call.accepted');
    assert.equal(accepted.payload.userId, 'bob');

    await carol!.evaluate(() => (window as any).ringCalls['p2p:ring-e2e'].reject('in another meeting'));
    assert.equal(await ringState(carol!, 'p2p:ring-e2e'), 'left');
    const rejected = await waitForEvent(alice!, 'call.rejected');
    assert.deepEqual(rejected.payload, { userId: 'carol', reason: 'in another meeting' });

    const missed = await waitForEvent(alice!, 'call.missed', () => true, 10_000);
    assert.equal(missed.payload.userId, 'dave');
    assert.equal(await ringState(dave!, 'p2p:ring-e2e'), 'idle');

    const atAlice = await watchRemoteVideo(alice!, 'bob');
    const atBob = await watchRemoteVideo(bob1!, 'alice');
    await waitForFrames(alice!, atAlice, 10);
    await waitForFrames(bob1!, atBob, 10);
  });

  it('refuses endCall from a plain user; the creator ends it for everyone', async () => {
    const { alice, bob1 } = pages as Record<string, Page>;
    const refused = await bob1!.evaluate(() => (window as any).call.endCall().then(() => 'ok', (e: any) => e.code));
    assert.equal(refused, 'FORBIDDEN');
    assert.equal(await callingState(bob1!), 'joined');
    await alice!.evaluate(() => (window as any).call.endCall());
    await waitForEvent(bob1!, 'call.ended');
    await waitUntil(async () => (await callingState(bob1!)) === 'left' && (await callingState(alice!)) === 'left', 'both left');
    assert.deepEqual(await resources(bob1!), { openPcs: 0, liveTracks: 0 });
    assert.deepEqual(await resources(alice!), { openPcs: 0, liveTracks: 0 });
    const rejoin = await bob1!.evaluate(() => (window as any).client.call('p2p', 'ring-e2e').join().then(() => 'joined', (e: any) => e.code));
    assert.equal(rejoin, 'CONFLICT');
  });

  it('stops the ringing when the caller leaves before anyone answers', async () => {
    const { alice, bob1, bob2 } = pages as Record<string, Page>;
    await joinCall(alice!, 'p2p', 'ring-cancel', { create: true, ring: true, members: [{ userId: 'bob' }] });
    await waitForRing(bob1!, 'p2p:ring-cancel');
    await waitForRing(bob2!, 'p2p:ring-cancel');
    await alice!.evaluate(() => (window as any).call.leave());
    for (const p of [bob1!, bob2!]) await waitUntil(async () => (await ringState(p, 'p2p:ring-cancel')) === 'idle', 'ringing stops');
  });

  it('answers busy for a callee already in a call', async () => {
    const { alice, carol, dave } = pages as Record<string, Page>;
    await joinCall(carol!, 'p2p', 'carol-busy', { create: true });
    await joinCall(alice!, 'p2p', 'ring-busy', { create: true, ring: true, members: [{ userId: 'carol' }, { userId: 'dave' }] });
    const rejected = await waitForEvent(alice!, 'call.rejected');
    assert.deepEqual(rejected.payload, { userId: 'carol', reason: 'busy' });
    await waitForRing(dave!, 'p2p:ring-busy');
    assert.equal(await carol!.evaluate(() => (window as any).rings.some((r: any) => r.cid === 'p2p:ring-busy')), false);
  });
});
