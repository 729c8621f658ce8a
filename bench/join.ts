/**
 * Join latency under a ramp: `npm run bench -- join [--joins 50] [--ramps 5,20,50] [--json]`
 *
 * For each ramp (joins started per second), N synthetic participants (every 25th publishes audio
 * and 3-layer video, the others only receive: a join storm into a webinar-like call, so the media
 * at the end, about 4 publishers to 50 receivers, stays well within what this machine forwards)
 * join one SFU call that already has 2 publishers:
 * `call.join` round trip, time to the first media packet, server CPU. Baselines at the same ramp,
 * in the same run, on the same server: joins of 2-person p2p calls (signalling only, no SFU), and
 * a `ping` round trip on fresh connections (the signalling floor). The server is a separate
 * process (the built bundle); the load generator is this process.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { LoadRun, type Totals } from '../packages/cli/src/load/load-run.js';
import type { LoadParticipant } from '../packages/cli/src/load/participant.js';
import { delta, sample, scrapeMetrics, type ServerSample } from '../packages/cli/src/load/prometheus.js';
import { shutdownRtc } from '../packages/cli/src/load/rtc.js';
import { SignalClient } from '../packages/cli/src/load/signal-client.js';
import { demoTokens, type TokenSource } from '../packages/cli/src/load/tokens.js';
import { startServerProcess, type ServerProcess } from '../e2e/helpers/server-process.js';
import { waitUntil } from '../e2e/helpers/wait.js';
import { barChart } from './charts.js';
import { finishContext, round, runContext, warnIfBusy, writeResult } from './charts-context.js';
import { percentile, table } from './stats.js';

const { values: args } = parseArgs({
  options: { joins: { type: 'string', default: '50' }, ramps: { type: 'string', default: '5,20,50' }, json: { type: 'boolean', default: false } },
});
const JOINS = Number(args.joins);
const RAMPS = args.ramps!.split(',').map(Number);

interface Dist {
  p50: number | null;
  p95: number | null;
  max: number | null;
}

function dist(values: number[]): Dist {
  const r = (n: number | null) => (n === null || Number.isNaN(n) ? null : round(n, 1));
  return { p50: r(percentile(values, 50)), p95: r(percentile(values, 95)), max: r(values.length ? Math.max(...values) : null) };
}

const log = (s: string) => process.stderr.write(`join: ${s}\n`);

/** Starts `count` async tasks, `ramp` per second; resolves when all settled. */
async function ramped<T>(count: number, ramp: number, task: (i: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const t0 = performance.now();
  const started: Promise<T>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = t0 + (i * 1000) / ramp - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    started.push(task(i));
  }
  return Promise.allSettled(started);
}

const ok = <T>(results: PromiseSettledResult<T>[]) => results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
const failures = <T>(results: PromiseSettledResult<T>[]) => results.filter((r) => r.status === 'rejected').length;

/** Server-side mean time to answer one request type between two scrapes (histogram sum / count), ms. */
function serverMeanMs(a: ServerSample | null, b: ServerSample | null, type = 'call.join'): number | null {
  if (!a || !b) return null;
  const labels = `{type="${type}"}`;
  const before = (name: string) => a.samples.get(`${name}${labels}`) ?? 0;
  const count = (b.samples.get(`confab_signal_request_duration_seconds_count${labels}`) ?? 0) - before('confab_signal_request_duration_seconds_count');
  const sum = (b.samples.get(`confab_signal_request_duration_seconds_sum${labels}`) ?? 0) - before('confab_signal_request_duration_seconds_sum');
  return count > 0 ? round((sum / count) * 1000, 2) : null;
}

function serverCpuPct(a: ServerSample | null, b: ServerSample | null): number | null {
  if (!a || !b) return null;
  return round((delta(a, b, 'confab_process_cpu_seconds_total') / ((b.at - a.at) / 1000)) * 100, 1);
}

async function sfuJoins(server: ServerProcess, tokens: TokenSource, ramp: number) {
  const run = new LoadRun({ baseUrl: server.url, callType: 'default', callId: `join-bench-${ramp}`, tokens, bindAddress: '127.0.0.1', videoKbps: 1700, audioOnly: false, lossPct: 0 });
  try {
    const seeds = run.add('pub', 2, ['audio', 'video']);
    await run.join(seeds, 10);
    await waitUntil(() => run.settled(), 'the 2 seed publishers to connect', 20_000);
    const joiners: LoadParticipant[] = [];
    for (let i = 0; i < JOINS; i++) joiners.push(...(i % 25 === 12 ? run.add('pub', 1, ['audio', 'video']) : run.add('sub', 1, [])));
    const m0 = await scrapeMetrics(server.url);
    // This process's own event-loop delay: a busy load generator reads answers late.
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    await run.join(joiners, ramp);
    loop.disable();
    const rampDone = performance.now();
    await waitUntil(() => run.settled(), 'media to reach every joiner', 30_000).catch(() => log(`ramp ${ramp}/s: not every track flowed within 30 s`));
    const settleMs = performance.now() - rampDone;
    const m1 = await scrapeMetrics(server.url);
    const t: Totals = run.totals();
    const num = (f: (p: LoadParticipant) => number | null) => joiners.flatMap((p) => (f(p) === null ? [] : [f(p)!]));
    return {
      joinMs: dist(num((p) => p.joinMs)),
      connectMs: dist(num((p) => p.connectMs)),
      firstMediaMs: dist(num((p) => p.firstMediaMs)),
      failed: joiners.filter((p) => p.state !== 'joined').length,
      tracks: { expected: t.tracksExpected, receiving: t.tracksReceiving },
      settleAfterRampMs: round(settleMs, 0),
      serverCpuPct: serverCpuPct(m0, m1),
      serverJoinMeanMs: serverMeanMs(m0, m1),
      serverPublishMeanMs: serverMeanMs(m0, m1, 'sfu.publish'),
      serverAnswerMeanMs: serverMeanMs(m0, m1, 'sfu.answer'),
      serverEventLoopP99Ms: m1 ? round(sample(m1.samples, 'confab_nodejs_eventloop_lag_p99_seconds') * 1000, 1) : null,
      loadGeneratorEventLoopP99Ms: round(loop.percentile(99) / 1e6, 1),
    };
  } finally {
    await run.close();
  }
}

async function p2pJoins(server: ServerProcess, tokens: TokenSource, ramp: number) {
  const joined: Array<{ c: SignalClient; cid: string | null }> = [];
  const m0 = await scrapeMetrics(server.url);
  try {
    const results = await ramped(JOINS, ramp, async (i) => {
      const entry = { c: await SignalClient.connect(server.url, await tokens(`p2p-${ramp}-${i}`, `p2p ${i}`)), cid: null as string | null };
      joined.push(entry);
      const id = `p2p-bench-${ramp}-${i >> 1}`;
      const t0 = performance.now();
      await entry.c.request('call.join', { type: 'p2p', id, create: true });
      entry.cid = `p2p:${id}`;
      return performance.now() - t0;
    });
    const m1 = await scrapeMetrics(server.url);
    return { joinMs: dist(ok(results)), failed: failures(results), serverJoinMeanMs: serverMeanMs(m0, m1) };
  } finally {
    await Promise.all(
      joined.map(async ({ c, cid }) => {
        if (cid) await c.request('call.leave', { cid }, 5000).catch(() => undefined);
        await c.close();
      }),
    );
  }
}

async function pings(server: ServerProcess, tokens: TokenSource, ramp: number) {
  const clients: SignalClient[] = [];
  try {
    const results = await ramped(JOINS, ramp, async (i) => {
      const t0 = performance.now();
      const c = await SignalClient.connect(server.url, await tokens(`ping-${ramp}-${i}`, `ping ${i}`));
      clients.push(c);
      const connected = performance.now() - t0;
      const t1 = performance.now();
      await c.request('ping', {});
      return { rtt: performance.now() - t1, connected };
    });
    return { rttMs: dist(ok(results).map((r) => r.rtt)), connectMs: dist(ok(results).map((r) => r.connected)), failed: failures(results) };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

async function main(): Promise<void> {
  warnIfBusy('join');
  const ctx = runContext();
  const server = await startServerProcess({ env: { CONFAB_HTTP_RATE_LIMIT: '10000' } });
  const tokens = demoTokens(server.url);
  const rows: Array<{ ramp: number; sfu: Awaited<ReturnType<typeof sfuJoins>>; p2p: Awaited<ReturnType<typeof p2pJoins>>; ping: Awaited<ReturnType<typeof pings>> }> = [];
  try {
    for (const ramp of RAMPS) {
      log(`ramp ${ramp}/s: ${JOINS} joins into an SFU call ...`);
      const sfu = await sfuJoins(server, tokens, ramp);
      log(`ramp ${ramp}/s: baselines (p2p joins, ping) ...`);
      const p2p = await p2pJoins(server, tokens, ramp);
      const ping = await pings(server, tokens, ramp);
      rows.push({ ramp, sfu, p2p, ping });
    }
  } finally {
    await shutdownRtc();
    await server.stop();
  }
  const f = (n: number | null) => (n === null ? 'n/a' : String(n));
  console.log(
    table([
      ['ramp', 'SFU call.join p50/p95/max ms', 'first media p50/p95 ms', 'server CPU', 'server mean join/publish/answer ms', 'loop p99 server/load gen ms', 'p2p call.join p50/p95 ms', 'ping p50/p95 ms', 'failed'],
      ...rows.map((r) => [
        `${r.ramp}/s`,
        `${f(r.sfu.joinMs.p50)} / ${f(r.sfu.joinMs.p95)} / ${f(r.sfu.joinMs.max)}`,
        `${f(r.sfu.firstMediaMs.p50)} / ${f(r.sfu.firstMediaMs.p95)}`,
        `${f(r.sfu.serverCpuPct)}%`,
        `${f(r.sfu.serverJoinMeanMs)} / ${f(r.sfu.serverPublishMeanMs)} / ${f(r.sfu.serverAnswerMeanMs)}`,
        `${f(r.sfu.serverEventLoopP99Ms)} / ${f(r.sfu.loadGeneratorEventLoopP99Ms)}`,
        `${f(r.p2p.joinMs.p50)} / ${f(r.p2p.joinMs.p95)}`,
        `${f(r.ping.rttMs.p50)} / ${f(r.ping.rttMs.p95)}`,
        `${r.sfu.failed}+${r.p2p.failed}+${r.ping.failed}`,
      ]),
    ]),
  );
  const result = { ...finishContext(ctx), joinsPerRamp: JOINS, conditions: 'server and load generator on the same machine, loopback; SFU joiners: every 25th publishes audio + 3-layer video, the others receive; 2 publishers in the call before each ramp', ramps: rows };
  const cats = rows.map((r) => `${r.ramp} joins/s`);
  const files = writeResult('join', result, {
    'join.svg': barChart({
      title: `call.join round trip under a ramp (${JOINS} joins per ramp)`,
      yLabel: 'ms',
      categories: cats,
      series: [
        { name: 'SFU call p50', values: rows.map((r) => r.sfu.joinMs.p50) },
        { name: 'SFU call p95', values: rows.map((r) => r.sfu.joinMs.p95) },
        { name: 'p2p call p50 (baseline)', values: rows.map((r) => r.p2p.joinMs.p50) },
        { name: 'p2p call p95 (baseline)', values: rows.map((r) => r.p2p.joinMs.p95) },
        { name: 'ping p95 (floor)', values: rows.map((r) => r.ping.rttMs.p95) },
      ],
    }),
    'join-media.svg': barChart({
      title: 'SFU call: join start to the first media packet received',
      yLabel: 'ms',
      categories: cats,
      series: [
        { name: 'p50', values: rows.map((r) => r.sfu.firstMediaMs.p50) },
        { name: 'p95', values: rows.map((r) => r.sfu.firstMediaMs.p95) },
      ],
    }),
  });
  log(`wrote ${files.join(', ')}`);
  if (args.json) console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  if ((process.env.DEBUG ?? '').startsWith('confab')) console.error(error);
  console.error(`join: ${(error as Error).message}`);
  process.exit(1);
});
