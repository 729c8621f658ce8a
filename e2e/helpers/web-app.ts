import type { BrowserContext, Locator, Page } from 'playwright-core';
import { waitUntil } from './wait.js';

/**
 * Driving the reference web app (apps/web) as a person would: through its lobby, tiles, controls
 * and chat, found by their data-testid attributes.
 */

/** Opens the web app at `path` ("/" or a call link), reporting page errors on the console. */
export async function openWebApp(context: BrowserContext, serverUrl: string, path = '/'): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[web app page] ${error.message}`));
  await page.goto(new URL(path, serverUrl).toString());
  await page.getByTestId('lobby-screen').waitFor();
  return page;
}

export interface LobbyInput {
  name: string;
  callId?: string;
  callType?: 'p2p' | 'default';
}

/** Fills the lobby form; fields not given keep what the lobby shows. */
export async function fillLobby(page: Page, input: LobbyInput): Promise<void> {
  await page.getByTestId('lobby-name').fill(input.name);
  if (input.callId !== undefined) await page.getByTestId('lobby-call-id').fill(input.callId);
  if (input.callType) {
    const option = page.getByTestId(`lobby-call-type-${input.callType}`);
    await option.click();
    await waitUntil(async () => (await option.getAttribute('data-selected')) === 'true', `call type ${input.callType} selected`);
  }
}

/** Clicks Join (once the camera preview runs) and waits for the call screen. */
export async function joinFromLobby(page: Page, timeoutMs = 15_000): Promise<void> {
  await page.getByTestId('lobby-preview-video').waitFor({ timeout: timeoutMs });
  await page.getByTestId('join-button').click();
  await page.getByTestId('call-screen').waitFor({ timeout: timeoutMs });
}

export function tile(page: Page, userId: string): Locator {
  return page.getByTestId(`tile-${userId}`);
}

/** Waits until `locator`'s attribute `name` equals `value`. */
export async function waitForAttribute(locator: Locator, name: string, value: string, timeoutMs = 10_000): Promise<void> {
  await waitUntil(async () => (await locator.getAttribute(name, { timeout: 1000 }).catch(() => null)) === value, `${name}="${value}" on ${locator}`, timeoutMs);
}

/**
 * Decoded frames of the <video> in a user's tile, counted with requestVideoFrameCallback. The
 * counter is attached to the element on first use; a new element (the tile re-rendered its video)
 * gets a new counter, reported with a new `element` id.
 */
export async function tileFrames(page: Page, userId: string): Promise<{ element: number; frames: number; width: number; height: number } | null> {
  return page.evaluate((selector) => {
    type Counter = { element: number; frames: number; width: number; height: number };
    const w = window as unknown as { __tileFrames?: WeakMap<HTMLVideoElement, Counter>; __tileFrameIds?: number };
    const counters = (w.__tileFrames ??= new WeakMap());
    const video = document.querySelector<HTMLVideoElement>(selector);
    if (!video) return null;
    let counter = counters.get(video);
    if (!counter) {
      const entry: Counter = { element: (w.__tileFrameIds = (w.__tileFrameIds ?? 0) + 1), frames: 0, width: 0, height: 0 };
      counters.set(video, entry);
      const count = (_now: number, meta: VideoFrameCallbackMetadata) => {
        entry.frames++;
        entry.width = meta.width;
        entry.height = meta.height;
        video.requestVideoFrameCallback(count);
      };
      video.requestVideoFrameCallback(count);
      counter = entry;
    }
    return { ...counter };
  }, `[data-testid="tile-${userId}"] video`);
}

/** Waits until the tile of `userId` has decoded `n` more frames than when called. */
export async function waitForTileFrames(page: Page, userId: string, n = 15, timeoutMs = 20_000) {
  let start: { element: number; frames: number } | null = null;
  return waitUntil(
    async () => {
      const now = await tileFrames(page, userId);
      if (!now) return null;
      if (!start || start.element !== now.element) start = { element: now.element, frames: now.frames };
      return now.frames >= start.frames + n && now.width > 0 ? now : null;
    },
    `${n} decoded frames in the tile of ${userId}`,
    timeoutMs,
  );
}

export interface ChatLine {
  sender: string;
  text: string;
  from: string;
}

/** The chat panel's messages, top to bottom. */
export async function chatLines(page: Page): Promise<ChatLine[]> {
  return page.getByTestId('chat-message').evaluateAll((items) =>
    items.map((item) => ({
      sender: item.querySelector('[data-testid="chat-message-sender"]')?.textContent ?? '',
      text: item.querySelector('[data-testid="chat-message-text"]')?.textContent ?? '',
      from: item.getAttribute('data-from') ?? '',
    })),
  );
}

/** Waits for a chat message with `text` in the open panel. */
export function waitForChatLine(page: Page, text: string, timeoutMs = 10_000): Promise<ChatLine> {
  return waitUntil(async () => (await chatLines(page)).find((line) => line.text === text), `chat message "${text}"`, timeoutMs);
}

/** Opens the chat panel unless it is open. */
export async function openChat(page: Page): Promise<void> {
  if (await page.getByTestId('chat-panel').isVisible()) return;
  await page.getByTestId('toggle-chat').click();
  await page.getByTestId('chat-panel').waitFor();
}

export async function sendChat(page: Page, text: string): Promise<void> {
  await openChat(page);
  await page.getByTestId('chat-input').fill(text);
  await page.getByTestId('chat-send').click();
}

/**
 * Opens the web app and fills in the name, then waits until the page's client is connected (the
 * lobby says "Online"), so rings reach it.
 */
export async function openLobbyOnline(context: BrowserContext, serverUrl: string, name: string, path = '/', timeoutMs = 15_000): Promise<Page> {
  const page = await openWebApp(context, serverUrl, path);
  await fillLobby(page, { name });
  await waitForPresence(page, 'online', timeoutMs);
  return page;
}

/** Waits until the lobby's presence line shows `status` ('online', 'reconnecting', …). */
export async function waitForPresence(page: Page, status: string, timeoutMs = 15_000): Promise<void> {
  await waitForAttribute(page.getByTestId('presence'), 'data-status', status, timeoutMs);
}

/** Rings `userIds` from the lobby's "Call a person" form and waits for the outgoing-call screen. */
export async function callFromLobby(page: Page, userIds: string, topic?: string, timeoutMs = 15_000): Promise<void> {
  await page.getByTestId('lobby-preview-video').waitFor({ timeout: timeoutMs });
  await page.getByTestId('call-person-input').fill(userIds);
  if (topic !== undefined) await page.getByTestId('call-person-topic').fill(topic);
  await page.getByTestId('call-person-button').click();
  await page.getByTestId('outgoing-call-screen').waitFor({ timeout: timeoutMs });
}

/** Waits for the incoming-call screen and returns what it shows. */
export async function waitForIncomingCall(page: Page, timeoutMs = 15_000): Promise<{ caller: string; topic: string | null; from: string | null }> {
  const screen = page.getByTestId('incoming-call');
  await screen.waitFor({ timeout: timeoutMs });
  const topic = page.getByTestId('incoming-topic');
  return {
    caller: await page.getByTestId('incoming-caller').innerText(),
    topic: (await topic.count()) > 0 ? await topic.innerText() : null,
    from: await screen.getAttribute('data-from'),
  };
}

/** The text of the lobby's notice ("Missed call from Alice"), once there is one. */
export async function waitForLobbyNotice(page: Page, timeoutMs = 10_000): Promise<string> {
  const text = page.getByTestId('lobby-notice-text');
  await text.waitFor({ timeout: timeoutMs });
  return text.innerText();
}
