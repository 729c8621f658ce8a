import type { Page } from 'playwright-core';
import { waitUntil } from './wait.js';

/** Records every incoming ring of the page's client, and each ringing call's state changes. */
export async function recordRings(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as any;
    w.rings = [];
    w.ringCalls = {};
    w.ringStates = {};
    w.client.on('call.ring', ({ call, from }: any) => {
      w.rings.push({ cid: call.cid, from, state: call.state.callingState, custom: call.state.call?.custom });
      w.ringCalls[call.cid] = call;
      const states: string[] = (w.ringStates[call.cid] = []);
      call.state.callingState$.subscribe((s: string) => states.push(s));
    });
  });
}

export function waitForRing(page: Page, cid: string, timeoutMs = 10_000) {
  return waitUntil(() => page.evaluate((cid) => (window as any).rings.find((r: any) => r.cid === cid), cid), `ring of ${cid}`, timeoutMs);
}

export function ringState(page: Page, cid: string): Promise<string | undefined> {
  return page.evaluate((cid) => (window as any).ringCalls[cid]?.state.callingState, cid);
}
