import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newContext, openSdkPage } from './helpers/browser.js';
import {
  callingState,
  events,
  participants,
  resources,
  waitForEvent,
  waitForFrames,
  watchRemoteVideo,
} from './helpers/call-page.js';
import { joinCall } from './helpers/call-page.js';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { waitUntil } from './helpers/wait.js';

describe('1:1 p2p call in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let alice: Page;
  let bob: Page;

  before(async () => {
    server = await startServerProcess();
    browser = await launchBrowser();
    alice = await openSdkPage(await newContext(browser), server.url, 'alice', 'Alice');
    bob = await openSdkPage(await newContext(browser), server.url, 'bob', 'Bob');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('joins, and video is decoded both ways', async () => {
    await joinCall(alice, 'p2p', 'one-to-one', { create: true, audio: true, video: true });
    await joinCall(bob, 'p2p', 'one-to-one', { audio: true, video: true });
    assert.equal(await callingState(alice), 'joined');
    assert.equal(await callingState(bob), 'joined');
    const atAlice = await watchRemoteVideo(alice, 'bob');
    const atBob = await watchRemoteVideo(bob, 'alice');
    const a = await waitForFrames(alice, atAlice, 15);
    const b = await waitForFrames(bob, atBob, 15);
    assert.ok(a.width > 0 && b.width > 0);
    const ps = await participants(alice);
    assert.deepEqual(ps.map((p) => [p.userId, p.isLocal]).sort(), [['alice', true], ['bob', false]]);
    const remote = ps.find((p) => !p.isLocal)!;
    assert.equal(remote.name, 'Bob');
    assert.deepEqual([...remote.publishedTracks].sort(), ['audio', 'video']);
    assert.ok(remote.hasAudio && remote.hasVideo);
    const joined = await waitForEvent(alice, 'participant.joined');
    assert.equal(joined.payload.participant.userId, 'bob');
  });

  it('delivers messages to everyone and to one user', async () => {
    const sent = await alice.evaluate(() => (window as any).call.sendMessage({ text: 'hello all' }));
    const atBob = await waitForEvent(bob, 'message', (p) => p.data?.text === 'hello all');
    assert.equal(atBob.payload.from, 'alice');
    assert.equal(atBob.payload.to, null);
    assert.equal(atBob.payload.id, sent.id);
    await bob.evaluate(() => (window as any).call.sendMessage({ text: 'just you' }, { to: ['alice'] }));
    const atAlice = await waitForEvent(alice, 'message', (p) => p.data?.text === 'just you');
    assert.equal(atAlice.payload.from, 'bob');
    assert.deepEqual(atAlice.payload.to, ['alice']);
    // The sender does not receive its own message as an event.
    assert.equal((await events(alice, 'message')).filter((e) => e.payload.data?.text === 'hello all').length, 0);
  });

  it('shows a muted camera to the other side', async () => {
    await alice.evaluate(() => (window as any).call.camera.disable());
    const ev = await waitForEvent(bob, 'track.unpublished', (p) => p.kind === 'video');
    assert.ok(ev.payload.sessionId);
    const aliceAtBob = (await participants(bob)).find((p) => p.userId === 'alice')!;
    assert.deepEqual(aliceAtBob.publishedTracks, ['audio']);
    await alice.evaluate(() => (window as any).call.camera.enable());
    await waitForEvent(bob, 'track.published', (p) => p.kind === 'video');
    const watch = await watchRemoteVideo(bob, 'alice');
    await waitForFrames(bob, watch, 10);
  });

  it('leaving releases everything and the other side sees it', async () => {
    await alice.evaluate(() => (window as any).call.leave());
    assert.equal(await callingState(alice), 'left');
    const left = await waitForEvent(bob, 'participant.left');
    assert.equal(left.payload.participant.userId, 'alice');
    assert.equal(left.payload.reason, 'left');
    assert.equal((await participants(bob)).length, 1);
    assert.equal(await alice.evaluate(() => (window as any).call.state.remoteParticipants.length), 0);
    assert.deepEqual(await resources(alice), { openPcs: 0, liveTracks: 0 });
    const states = await alice.evaluate(() => (window as any).states);
    assert.deepEqual(states, ['idle', 'joining', 'joined', 'left']);
    // A new object for the same call after leaving.
    const fresh = await alice.evaluate(() => (window as any).client.call('p2p', 'one-to-one') !== (window as any).call);
    assert.equal(fresh, true);
    await bob.evaluate(() => (window as any).call.leave());
    await waitUntil(async () => (await resources(bob)).openPcs === 0, 'bob released');
    assert.deepEqual(await resources(bob), { openPcs: 0, liveTracks: 0 });
  });
});
