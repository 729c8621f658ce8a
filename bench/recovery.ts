// Recovery time of SFU calls: the media path cut (FAST: same session, connections rebuilt) and the
// server killed (REJOIN: new sessions on a restarted server), each measured from the moment the
// cut ends to the first video frame decoded again on both pages; baseline in the same run: a fresh
// join to the first decoded frame. Usage: npm run bench -- recovery [--runs N] [--json]
import fs from 'node:fs';
import path from 'node:path';
import { execSync } from 'node:child_process';
import os from 'node:os';
import type { Page } from 'playwright-core';
import { hideHostCandidates, launchBrowser, newContext, openSdkPage } from '../e2e/helpers/browser.js';
import { joinCall, watchRemoteVideo } from '../e2e/helpers/call-page.js';
import { freeUdpPort } from '../e2e/helpers/ports.js';
import { repoRoot, startServerProcess } from '../e2e/helpers/server-process.js';
import { UdpRelay } from '../e2e/helpers/udp-relay.js';
import { waitUntil } from '../e2e/helpers/wait.js';
import { median, percentile, round, table } from './stats.js';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 5;
const asJson = args.includes('--json');

/** Records the wall-clock time of every decoded frame of the remote video of `userId`. */
async function trackFrames(page: Page, userId: string, replaced = false): Promise<void> {
  if (replaced) {
    const watched = await page.evaluate(() => (window as any).watchedStream as string | undefined);
    await waitUntil(() => page.evaluate(({ userId, watched }) => {
      const p = (window as any).call.state.remoteParticipants.find((x: any) => x.userId === userId);
      return p?.videoStream && p.videoStream.id !== watched;
    }, { userId, watched }), 'a new stream after the restart', 60_000);
  }
  const id = await watchRemoteVideo(page, userId);
  await page.evaluate((id) => {
    const w = window as any;
    const entry = w.__confabTest.videos[id];
    w.watchedStream = entry.v.srcObject.id;
    w.frameTimes = [];
    const tick = () => {
      w.frameTimes.push(Date.now());
      entry.v.requestVideoFrameCallback(tick);
    };
    entry.v.requestVideoFrameCallback(tick);
  }, id);
}

/** Waits for the first frame decoded after `since` on the page; returns its time. */
function firstFrameAfter(page: Page, since: number, what: string): Promise<number> {
  return waitUntil(() => page.evaluate((since) => ((window as any).frameTimes as number[]).find((t) => t > since + 40) ?? 0, since), `a frame after ${what}`, 60_000, 20);
}

async function main(): Promise<void> {
  const sfuPort = await freeUdpPort();
  const relay = await UdpRelay.start(sfuPort);
  const server = await startServerProcess({ env: { CONFAB_RTC_UDP_PORT: String(sfuPort), CONFAB_RTC_ANNOUNCED_PORT: String(relay.port) } });
  const browser = await launchBrowser();
  const fast: number[] = [];
  const rejoin: number[] = [];
  const fresh: number[] = [];
  try {
    const alice = await openSdkPage(await newContext(browser), server.url, 'alice');
    const bob = await openSdkPage(await newContext(browser), server.url, 'bob');
    // Behind a "NAT": the relay is the only path, so cutting it really cuts the media.
    await hideHostCandidates(alice);
    await hideHostCandidates(bob);
    for (let i = 0; i < runs; i++) {
      const id = `bench-recovery-${Date.now()}-${i}`;
      const started = Date.now();
      await joinCall(alice, 'default', id, { create: true, audio: true, video: true });
      await joinCall(bob, 'default', id, { audio: true, video: true });
      await trackFrames(alice, 'bob');
      await trackFrames(bob, 'alice');
      fresh.push(Math.max(await firstFrameAfter(alice, started, 'joining'), await firstFrameAfter(bob, started, 'joining')) - started);

      // FAST: cut the media path until both browsers notice and rebuild, then restore.
      const connections = async (page: Page) => page.evaluate(() => (window as any).__confabTest.pcs.length as number);
      const [a0, b0] = [await connections(alice), await connections(bob)];
      relay.cut();
      // The cut lasts until both pages noticed it and rebuilt their connections.
      await waitUntil(async () => (await connections(alice)) > a0 && (await connections(bob)) > b0, 'both pages rebuilding', 30_000);
      relay.restore();
      const fastEnd = Date.now();
      // Remote media comes back as new streams: watch those.
      await trackFrames(alice, 'bob', true);
      await trackFrames(bob, 'alice', true);
      fast.push(Math.max(await firstFrameAfter(alice, fastEnd, 'the media cut'), await firstFrameAfter(bob, fastEnd, 'the media cut')) - fastEnd);

      // REJOIN: the server dies and comes back; the cut ends when it answers again.
      await server.kill();
      await server.restart();
      const rejoinEnd = Date.now();
      await waitUntil(async () => (await alice.evaluate(() => (window as any).call.state.callingState)) === 'joined' && (await bob.evaluate(() => (window as any).call.state.callingState)) === 'joined', 'both rejoined', 30_000);
      await trackFrames(alice, 'bob');
      await trackFrames(bob, 'alice');
      rejoin.push(Math.max(await firstFrameAfter(alice, rejoinEnd, 'the server restart'), await firstFrameAfter(bob, rejoinEnd, 'the server restart')) - rejoinEnd);
      await alice.evaluate(() => (window as any).call.leave());
      await bob.evaluate(() => (window as any).call.leave());
      process.stderr.write(`\rrecovery: run ${i + 1}/${runs}`);
    }
    process.stderr.write('\n');
  } finally {
    await browser.close();
    await server.stop();
    await relay.close();
  }
  const stat = (xs: number[]) => ({ p50: round(median(xs), 0), p95: round(percentile(xs, 95), 0), runs: xs.map((x) => round(x, 0)) });
  const result = {
    fastMs: stat(fast),
    rejoinMs: stat(rejoin),
    baselineFreshJoinMs: stat(fresh),
    machine: `${process.platform} ${process.arch}, ${os.cpus().length} cores`,
    date: new Date().toISOString(),
    commit: execSync('git rev-parse --short HEAD', { cwd: repoRoot }).toString().trim(),
  };
  console.log(
    table([
      ['measure (ms, cut end -> video on both pages)', 'p50', 'p95'],
      ['FAST (media path cut, same session)', result.fastMs.p50, result.fastMs.p95],
      ['REJOIN (server killed and restarted)', result.rejoinMs.p50, result.rejoinMs.p95],
      ['baseline: fresh join -> first frame', result.baselineFreshJoinMs.p50, result.baselineFreshJoinMs.p95],
    ]),
  );
  fs.writeFileSync(path.join(repoRoot, 'docs/benchmarks/recovery.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (asJson) console.log(JSON.stringify(result));
}

void main().catch((error) => {
  console.error(`recovery: ${error.message}`);
  process.exit(1);
});
