// Join latency of 1:1 p2p calls in Chromium, next to a bare pair of RTCPeerConnections in the
// same browser connected directly (the floor). Usage: npm run bench -- p2p-join [--runs N] [--json]
import fs from 'node:fs';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { launchBrowser, newContext, openSdkPage } from '../e2e/helpers/browser.js';
import { repoRoot, startServerProcess } from '../e2e/helpers/server-process.js';
import { median, percentile, round, table } from './stats.js';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 20;
const asJson = args.includes('--json');

/** In the page: join, and time JOINED and the first decoded frame of the other participant. */
async function timedJoin({ create, callId }: { create: boolean; callId: string }): Promise<{ joinedMs: number; firstFrameMs: number | null }> {
  const w = window as any;
  const call = w.client.call('p2p', callId);
  w.call = call;
  const t0 = performance.now();
  await call.join({ create, audio: true, video: true });
  const joinedMs = performance.now() - t0;
  if (create) return { joinedMs, firstFrameMs: null };
  const stream: MediaStream = await new Promise((resolve) => {
    const check = (ps: any[]) => {
      const remote = ps.find((p) => !p.isLocal && p.videoStream);
      if (remote) resolve(remote.videoStream);
    };
    call.state.participants$.subscribe(check);
  });
  const v = document.createElement('video');
  v.muted = true;
  v.srcObject = stream;
  document.body.appendChild(v);
  await new Promise<void>((resolve) => v.requestVideoFrameCallback(() => resolve()));
  const firstFrameMs = performance.now() - t0;
  v.srcObject = null;
  v.remove();
  return { joinedMs, firstFrameMs };
}

/** In the page: getUserMedia, two RTCPeerConnections wired directly, first decoded frame. */
async function barePair(): Promise<{ connectedMs: number; firstFrameMs: number }> {
  const t0 = performance.now();
  const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
  for (const t of media.getTracks()) a.addTrack(t, media);
  const remote = new Promise<MediaStream>((resolve) => (b.ontrack = (e) => resolve(e.streams[0]!)));
  const connected = new Promise<number>((resolve) => {
    b.onconnectionstatechange = () => b.connectionState === 'connected' && resolve(performance.now() - t0);
  });
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription!);
  const v = document.createElement('video');
  v.muted = true;
  v.srcObject = await remote;
  document.body.appendChild(v);
  await new Promise<void>((resolve) => v.requestVideoFrameCallback(() => resolve()));
  const firstFrameMs = performance.now() - t0;
  const connectedMs = await connected;
  v.remove();
  a.close();
  b.close();
  for (const t of media.getTracks()) t.stop();
  return { connectedMs, firstFrameMs };
}

async function main(): Promise<void> {
  const server = await startServerProcess();
  const browser = await launchBrowser();
  try {
    const alice = await openSdkPage(await newContext(browser), server.url, 'alice');
    const bob = await openSdkPage(await newContext(browser), server.url, 'bob');
    const joined: number[] = [];
    const firstFrame: number[] = [];
    for (let i = 0; i < runs; i++) {
      const id = `bench-${Date.now()}-${i}`;
      await alice.evaluate(timedJoin, { create: true, callId: id });
      const r = await bob.evaluate(timedJoin, { create: false, callId: id });
      joined.push(r.joinedMs);
      firstFrame.push(r.firstFrameMs!);
      await bob.evaluate(() => (window as any).call.leave());
      await alice.evaluate(() => (window as any).call.leave());
      process.stderr.write(`\rp2p-join: run ${i + 1}/${runs}`);
    }
    const bare: { connectedMs: number; firstFrameMs: number }[] = [];
    for (let i = 0; i < runs; i++) {
      bare.push(await alice.evaluate(barePair));
      process.stderr.write(`\rp2p-join: baseline run ${i + 1}/${runs}`);
    }
    process.stderr.write('\n');
    const result = {
      runs,
      confab: {
        joinedMs: { p50: round(median(joined)), p95: round(percentile(joined, 95)) },
        firstFrameMs: { p50: round(median(firstFrame)), p95: round(percentile(firstFrame, 95)) },
      },
      baseline: {
        connectedMs: { p50: round(median(bare.map((b) => b.connectedMs))), p95: round(percentile(bare.map((b) => b.connectedMs), 95)) },
        firstFrameMs: { p50: round(median(bare.map((b) => b.firstFrameMs))), p95: round(percentile(bare.map((b) => b.firstFrameMs), 95)) },
      },
      machine: `${process.platform} ${process.arch}, ${(await import('node:os')).cpus().length} cores`,
      date: new Date().toISOString(),
      commit: safeCommit(),
    };
    console.log(
      table([
        ['measure (ms)', 'p50', 'p95'],
        ['confab join() -> JOINED', result.confab.joinedMs.p50, result.confab.joinedMs.p95],
        ['confab join() -> first remote frame', result.confab.firstFrameMs.p50, result.confab.firstFrameMs.p95],
        ['bare pair: start -> connected', result.baseline.connectedMs.p50, result.baseline.connectedMs.p95],
        ['bare pair: start -> first frame', result.baseline.firstFrameMs.p50, result.baseline.firstFrameMs.p95],
      ]),
    );
    const out = path.join(repoRoot, 'docs/benchmarks/p2p-join.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    if (asJson) console.log(JSON.stringify(result));
  } finally {
    await browser.close();
    await server.stop();
  }
}

function safeCommit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: repoRoot }).toString().trim();
  } catch {
    return 'unknown';
  }
}

void main().catch((error) => {
  console.error(`p2p-join: ${error.message}`);
  process.exit(1);
});
