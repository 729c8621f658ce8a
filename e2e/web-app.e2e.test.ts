import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newContext } from './helpers/browser.js';
import { resources } from './helpers/call-page.js';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { waitUntil } from './helpers/wait.js';
import {
  chatLines,
  fillLobby,
  joinFromLobby,
  openChat,
  openWebApp,
  sendChat,
  tile,
  waitForAttribute,
  waitForChatLine,
  waitForTileFrames,
} from './helpers/web-app.js';

describe('web app: two people in a p2p call, through the real UI', () => {
  let server: ServerProcess;
  let browser: Browser;
  let aliceContext: BrowserContext;
  let bobContext: BrowserContext;
  let alice: Page;
  let bob: Page;
  let callId = '';
  let callLink = '';

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

  it('Alice starts a call from the lobby; Bob opens her link; each sees the other’s video', async () => {
    alice = await openWebApp(aliceContext, server.url);
    await fillLobby(alice, { name: 'Alice', callType: 'p2p' });
    assert.equal(await alice.getByTestId('lobby-user-id').inputValue(), 'alice');
    await alice.getByTestId('lobby-generate-id').click();
    callId = await alice.getByTestId('lobby-call-id').inputValue();
    assert.match(callId, /^[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
    await joinFromLobby(alice);
    assert.equal(new URL(alice.url()).pathname, `/call/p2p/${callId}`);
    callLink = (await alice.getByTestId('copy-link').getAttribute('data-link')) ?? '';
    assert.equal(callLink, `${server.url}/call/p2p/${callId}`);
    await tile(alice, 'alice').waitFor();
    await waitForAttribute(alice.getByTestId('participant-count'), 'data-count', '1');

    bob = await openWebApp(bobContext, server.url, new URL(callLink).pathname);
    assert.equal(await bob.getByTestId('lobby-call-id').inputValue(), callId, 'the link pre-fills the call id');
    assert.equal(await bob.getByTestId('lobby-call-type-p2p').getAttribute('data-selected'), 'true');
    await fillLobby(bob, { name: 'Bob' });
    // Bob joins muted: what the lobby's toggles say carries over into the call.
    await bob.getByTestId('lobby-toggle-mic').click();
    await waitForAttribute(bob.getByTestId('lobby-toggle-mic'), 'data-state', 'off');
    await joinFromLobby(bob);
    assert.equal(await bob.getByTestId('toggle-mic').getAttribute('data-state'), 'off');

    const atAlice = await waitForTileFrames(alice, 'bob');
    const atBob = await waitForTileFrames(bob, 'alice');
    assert.ok(atAlice.width > 0 && atBob.width > 0);
    await waitForAttribute(alice.getByTestId('participant-count'), 'data-count', '2');
    await waitForAttribute(bob.getByTestId('participant-count'), 'data-count', '2');
    assert.match(await tile(alice, 'bob').innerText(), /Bob/);
    assert.match(await tile(bob, 'alice').innerText(), /Alice/);
    await waitForAttribute(tile(alice, 'bob'), 'data-mic', 'off');
    assert.equal(await tile(alice, 'alice').getAttribute('data-mic'), 'on');
    // Your own tile is mirrored; the others' are not.
    const transform = (page: Page, userId: string) => tile(page, userId).locator('video').evaluate((v) => getComputedStyle(v).transform);
    assert.notEqual(await transform(alice, 'alice'), 'none');
    assert.equal(await transform(alice, 'bob'), 'none');
  });

  it('chat goes both ways, with sender names; own messages show as sent', async () => {
    await sendChat(alice, 'Hello from Alice');
    const own = await waitForChatLine(alice, 'Hello from Alice');
    assert.deepEqual(own, { sender: 'You', text: 'Hello from Alice', from: 'alice' });
    // Bob's panel is closed: the chat button counts the unread message.
    await waitUntil(() => bob.getByTestId('toggle-chat-badge').isVisible(), 'unread badge at Bob');
    assert.equal(await bob.getByTestId('toggle-chat-badge').innerText(), '1');
    await openChat(bob);
    const received = await waitForChatLine(bob, 'Hello from Alice');
    assert.deepEqual(received, { sender: 'Alice', text: 'Hello from Alice', from: 'alice' });

    await bob.getByTestId('chat-input').fill('Hi Alice');
    await bob.getByTestId('chat-input').press('Enter');
    assert.equal((await waitForChatLine(alice, 'Hi Alice')).sender, 'Bob');
    await waitForChatLine(bob, 'Hi Alice');
    assert.deepEqual(
      (await chatLines(alice)).map((l) => `${l.sender}: ${l.text}`),
      ['You: Hello from Alice', 'Bob: Hi Alice'],
    );
    assert.equal(await bob.getByTestId('chat-input').inputValue(), '');
  });

  it('muting the microphone and stopping the camera show on the other side', async () => {
    const aliceAtBob = tile(bob, 'alice');
    assert.equal(await aliceAtBob.getAttribute('data-mic'), 'on');
    await alice.getByTestId('toggle-mic').click();
    await waitForAttribute(alice.getByTestId('toggle-mic'), 'data-state', 'off');
    await waitForAttribute(aliceAtBob, 'data-mic', 'off');
    await aliceAtBob.getByTestId('muted-mic').waitFor();
    await waitForAttribute(tile(alice, 'alice'), 'data-mic', 'off');

    await alice.getByTestId('toggle-mic').click();
    await waitForAttribute(aliceAtBob, 'data-mic', 'on');
    await aliceAtBob.getByTestId('muted-mic').waitFor({ state: 'detached' });

    await alice.getByTestId('toggle-camera').click();
    await waitForAttribute(aliceAtBob, 'data-camera', 'off');
    await aliceAtBob.getByTestId('camera-off').waitFor();
    assert.equal(await aliceAtBob.locator('video').count(), 0, 'no frozen frame: the tile shows initials');
    await alice.getByTestId('toggle-camera').click();
    await waitForAttribute(aliceAtBob, 'data-camera', 'on');
    await waitForTileFrames(bob, 'alice', 10);
  });

  it('leaving shows the left screen, releases the devices, and the other side drops the tile', async () => {
    await alice.getByTestId('leave-button').click();
    await alice.getByTestId('left-screen').waitFor();
    assert.equal(await alice.getByTestId('left-title').innerText(), 'You left the call');
    await waitUntil(async () => (await tile(bob, 'alice').count()) === 0, 'Alice’s tile to leave Bob’s grid');
    await waitForAttribute(bob.getByTestId('participant-count'), 'data-count', '1');
    await waitUntil(async () => {
      const r = await resources(alice);
      return r.openPcs === 0 && r.liveTracks === 0;
    }, 'Alice’s peer connections and tracks released');
  });

  it('rejoins from the left screen, then goes back to a pre-filled lobby', async () => {
    await alice.getByTestId('rejoin-button').click();
    await alice.getByTestId('call-screen').waitFor();
    await waitForTileFrames(bob, 'alice');
    await waitForTileFrames(alice, 'bob');
    await waitForAttribute(bob.getByTestId('participant-count'), 'data-count', '2');
    // The chat starts empty in a new session.
    await openChat(alice);
    assert.equal((await chatLines(alice)).length, 0);

    await bob.getByTestId('leave-button').click();
    await bob.getByTestId('left-screen').waitFor();
    await waitUntil(async () => (await tile(alice, 'bob').count()) === 0, 'Bob’s tile to leave Alice’s grid');

    await alice.getByTestId('leave-button').click();
    await alice.getByTestId('back-to-lobby').click();
    await alice.getByTestId('lobby-screen').waitFor();
    assert.equal(await alice.getByTestId('lobby-name').inputValue(), 'Alice');
    assert.equal(await alice.getByTestId('lobby-call-id').inputValue(), callId);
  });
});
