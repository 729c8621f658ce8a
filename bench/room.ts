/**
 * The largest room one node holds: `npm run bench -- room [--publishers 4] [--steps 10,25,50,...]
 * [--window 10] [--max 1000] [--ramp 20] [--until-loss] [--json]`
 *
 * One SFU call; P publishers (audio + 3-layer VP8 simulcast, 1.7 Mbps top layer) join first and
 * the room is measured with nobody else (the baseline: ingest only, same run). Then subscribers
 * are added step by step; at each step, after media reaches everyone, a window of --window
 * seconds measures what the server forwarded (from /metrics), its CPU, and loss and jitter as the
 * synthetic subscribers saw them. It stops when loss passes 1%, a track stops flowing, a join
 * fails, the server's event loop saturates, or the machine's CPU saturates (the load generator
 * runs on the same cores); with --until-loss it goes on past CPU saturation until media fails.
 * Reports CPU per forwarded packet at each step, so a reader sees whether cost grows linearly.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { LoadRun, pause, type Totals } from '../packages/cli/src/load/load-run.js';
import { delta, sample, scrapeMetrics, type ServerSample } from '../packages/cli/src/load/prometheus.js';
import { shutdownRtc } from '../packages/cli/src/load/rtc.js';
import { apiKeyTokens } from '../packages/cli/src/load/tokens.js';
import { startServerProcess } from '../e2e/helpers/server-process.js';
import { waitUntil } from '../e2e/helpers/wait.js';
import { lineChart } from './charts.js';
import { finishContext, machineCpu, machineCpuPct, round, runContext, warnIfBusy, writeResult } from './charts-context.js';
import { table } from './stats.js';

const { values: args } = parseArgs({
  options: {
    publishers: { type: 'string', default: '4' },
    steps: { type: 'string', default: '10,25,50,75,100,125,150,200,250,300,400,500' },
    window: { type: 'string', default: '10' },
    max: { type: 'string', default: '1000' },
    ramp: { type: 'string', default: '20' },
    /** Keep adding subscribers past CPU saturation, until loss passes 1% or tracks stop flowing. */
    'until-loss': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const PUBLISHERS = Number(args.publishers);
const WINDOW_S = Number(args.window);
const STEPS = args.steps!.split(',').map(Number).filter((n) => n <= Number(args.max));
const RAMP = Number(args.ramp);
/** Output name in docs/benchmarks/: the exploratory --until-loss run keeps its own files. */
const NAME = args['until-loss'] ? 'room-until-loss' : 'room';
const API_KEY = 'bench-room';
const API_SECRET = 'bench-room-secret-0123456789';
const CALL_TYPE = 'bench_room';
/** Loss above this ends the climb. */
const MAX_LOSS_PCT = 1;
/** Machine CPU (all processes) above this share of all cores: saturated. */
const MACHINE_SATURATED = 0.95;
/** Server event-loop p99 lag above this (with the server near a full core): saturated. */
const LAG_SATURATED_MS = 100;

const log = (s: string) => process.stderr.write(`room: ${s}\n`);

interface Window {
  subscribers: number;
  participants: number;
  seconds: number;
  forwardedPps: number;
  serverCpuPct: number;
  usPerPacket: number | null;
  /** CPU above the publishers-only baseline, per forwarded packet. */
  marginalUsPerPacket: number | null;
  lossPct: number;
  jitterMs: number;
  tracks: { expected: number; receiving: number };
  eventLoopP99Ms: number;
  serverRssMb: number;
  loadGeneratorCpuPct: number;
  machineCpuPct: number;
  loadAverage: number;
  lateFrames: number;
  failedJoins: number;
  /** CPU saturation seen in this window (recorded even when --until-loss goes on). */
  saturated: string | null;
}

/** A call type like `default` but holding up to 2,000 participants (default stops at 100). */
async function createRoomType(url: string): Promise<void> {
  const token = await apiKeyTokens(API_KEY, API_SECRET)('bench-admin', 'bench admin');
  const res = await fetch(`${url}/api/v1/call-types`, { headers: { authorization: `Bearer ${token}` } });
  const { callTypes } = (await res.json()) as { callTypes: Array<{ name: string; grants: Record<string, string[]> }> };
  const grants = callTypes.find((t) => t.name === 'default')?.grants;
  if (!grants) throw new Error('the server has no default call type to copy');
  const put = await fetch(`${url}/api/v1/call-types/${CALL_TYPE}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64')}` },
    body: JSON.stringify({ mediaPath: 'sfu', maxParticipants: 2000, audioOnly: false, grants }),
  });
  if (!put.ok) throw new Error(`creating the ${CALL_TYPE} call type: HTTP ${put.status} ${await put.text()}`);
}

async function measure(run: LoadRun, url: string, subscribers: number, baselineCpuPerS: number | null): Promise<Window> {
  const t0: Totals = run.totals();
  const m0 = await scrapeMetrics(url, 15_000);
  const cpu0 = process.cpuUsage();
  const mc0 = machineCpu();
  const w0 = performance.now();
  await pause(WINDOW_S * 1000);
  const m1 = await scrapeMetrics(url, 15_000);
  const ms = performance.now() - w0;
  const mc1 = machineCpu();
  const cpu = process.cpuUsage(cpu0);
  const t1 = run.totals();
  if (!m0 || !m1) throw new Error(`the server did not answer /metrics within 15 s`);
  const seconds = (m1.at - m0.at) / 1000;
  const cpuS = delta(m0, m1, 'confab_process_cpu_seconds_total');
  const fwd = delta(m0, m1, 'confab_sfu_forwarded_packets_total');
  const received = t1.packetsReceived - t0.packetsReceived;
  const lost = t1.packetsLost - t0.packetsLost;
  return {
    subscribers,
    participants: t1.joined,
    seconds: round(seconds, 2),
    forwardedPps: Math.round(fwd / seconds),
    serverCpuPct: round((cpuS / seconds) * 100, 1),
    usPerPacket: fwd > 0 ? round((cpuS / fwd) * 1e6, 2) : null,
    marginalUsPerPacket: fwd > 0 && baselineCpuPerS !== null ? round(((cpuS - baselineCpuPerS * seconds) / fwd) * 1e6, 2) : null,
    lossPct: received + lost > 0 ? round((lost / (received + lost)) * 100, 3) : 0,
    jitterMs: round(t1.jitterMs, 2),
    tracks: { expected: t1.tracksExpected, receiving: t1.tracksReceiving },
    eventLoopP99Ms: round(sample(m1.samples, 'confab_nodejs_eventloop_lag_p99_seconds') * 1000, 1),
    serverRssMb: round(sample(m1.samples, 'confab_process_resident_memory_bytes') / 2 ** 20, 1),
    loadGeneratorCpuPct: round(((cpu.user + cpu.system) / 1000 / ms) * 100, 1),
    machineCpuPct: round(machineCpuPct(mc0, mc1), 1),
    loadAverage: round(os.loadavg()[0]!, 2),
    lateFrames: t1.lateFrames - t0.lateFrames,
    failedJoins: t1.failed,
    saturated: null,
  };
}

/** Why this window ends the climb: media failures first, then CPU saturation (unless --until-loss). */
function verdict(w: Window): string | null {
  if (w.failedJoins > 0) return `${w.failedJoins} joins failed`;
  if (w.tracks.receiving < w.tracks.expected) return `${w.tracks.expected - w.tracks.receiving} of ${w.tracks.expected} tracks not flowing`;
  if (w.lossPct > MAX_LOSS_PCT) return `loss ${w.lossPct}% > ${MAX_LOSS_PCT}%`;
  return args['until-loss'] ? null : saturation(w);
}

function saturation(w: Window): string | null {
  if (w.eventLoopP99Ms > LAG_SATURATED_MS && w.serverCpuPct >= 90) return `server saturated (CPU ${w.serverCpuPct}%, event-loop p99 ${w.eventLoopP99Ms} ms)`;
  if (w.machineCpuPct >= MACHINE_SATURATED * 100 * os.cpus().length) return `machine CPU saturated (${w.machineCpuPct}% of ${os.cpus().length * 100}%: server + load generator)`;
  return null;
}

async function main(): Promise<void> {
  warnIfBusy('room');
  const ctx = runContext();
  const server = await startServerProcess({
    env: { CONFAB_API_KEY: API_KEY, CONFAB_API_SECRET: API_SECRET, CONFAB_MAX_CONNECTIONS_PER_IP: '100000', CONFAB_HTTP_RATE_LIMIT: '100000' },
  });
  const windows: Window[] = [];
  let baseline: Window | null = null;
  let stop: { at: number; reason: string } | null = null;
  const run = new LoadRun({ baseUrl: server.url, callType: CALL_TYPE, callId: 'room', tokens: apiKeyTokens(API_KEY, API_SECRET), bindAddress: '127.0.0.1', videoKbps: 1700, audioOnly: false, lossPct: 0 });
  try {
    await createRoomType(server.url);
    await run.join(run.add('pub', PUBLISHERS, ['audio', 'video']), RAMP);
    await waitUntil(() => run.settled(), 'the publishers to connect', 30_000);
    await pause(3000);
    log(`baseline: ${PUBLISHERS} publishers, no subscribers, ${WINDOW_S} s ...`);
    baseline = await measure(run, server.url, 0, null);
    const baselineCpuPerS = baseline.serverCpuPct / 100;
    let subscribers = 0;
    for (const target of STEPS) {
      const added = run.add('sub', target - subscribers, []);
      subscribers = target;
      log(`${target} subscribers: joining ${added.length} at ${RAMP}/s ...`);
      await run.join(added, RAMP);
      await waitUntil(() => run.settled(), `media to reach all ${target} subscribers`, 30_000 + target * 100).catch(() => log(`${target} subscribers: not every track flows`));
      await pause(3000);
      let w: Window;
      try {
        w = await measure(run, server.url, target, baselineCpuPerS);
      } catch (error) {
        const t = run.totals();
        stop = { at: target, reason: `${(error as Error).message} (tracks ${t.tracksReceiving}/${t.tracksExpected} flowing)` };
        log(`${target} subscribers: stop: ${stop.reason}`);
        break;
      }
      w.saturated = saturation(w);
      windows.push(w);
      const why = verdict(w);
      log(`${target} subscribers: ${w.forwardedPps} pkt/s forwarded, server CPU ${w.serverCpuPct}% (${w.usPerPacket} µs/pkt), loss ${w.lossPct}%, machine ${w.machineCpuPct}%${why ? ` -> stop: ${why}` : ''}`);
      if (why) {
        stop = { at: target, reason: why };
        break;
      }
    }
  } finally {
    await run.close();
    await shutdownRtc();
    await server.stop();
  }
  const passed = windows.filter((w) => !stop || w.subscribers < stop.at);
  const largest = passed.at(-1) ?? null;
  const unsaturated = passed.filter((w) => !w.saturated).at(-1) ?? null;
  const firstSaturated = windows.find((w) => w.saturated) ?? null;
  const f = (n: number | null) => (n === null ? 'n/a' : String(n));
  console.log(
    table([
      ['subscribers', 'participants', 'forwarded pkt/s', 'server CPU', 'µs/pkt', 'marginal µs/pkt', 'loss', 'jitter ms', 'tracks', 'loop p99 ms', 'load gen CPU', 'machine CPU'],
      ...[baseline!, ...windows].filter(Boolean).map((w) => [
        w.subscribers === 0 ? '0 (baseline)' : w.subscribers,
        w.participants,
        w.forwardedPps,
        `${w.serverCpuPct}%`,
        f(w.usPerPacket),
        f(w.marginalUsPerPacket),
        `${w.lossPct}%`,
        w.jitterMs,
        `${w.tracks.receiving}/${w.tracks.expected}`,
        w.eventLoopP99Ms,
        `${w.loadGeneratorCpuPct}%`,
        `${w.machineCpuPct}%`,
      ]),
    ]),
  );
  const room = (w: Window) => `${PUBLISHERS} publishers + ${w.subscribers} subscribers (${w.participants} participants, ${w.forwardedPps} packets/s forwarded)`;
  console.log(largest ? `largest room held: ${room(largest)}${stop ? `; at ${stop.at} subscribers: ${stop.reason}` : '; no limit reached within the steps'}` : `no step passed${stop ? `: ${stop.reason}` : ''}`);
  if (args['until-loss']) {
    console.log(unsaturated ? `largest room with CPU to spare: ${room(unsaturated)}${firstSaturated ? `; from ${firstSaturated.subscribers} subscribers: ${firstSaturated.saturated}` : ''}` : 'every step was CPU-saturated');
  }
  const result = {
    ...finishContext(ctx),
    conditions: `server (built bundle) and load generator (this process, node-datachannel) on the same ${os.cpus().length} cores, loopback; ${PUBLISHERS} publishers of audio + 3-layer VP8 simulcast (150/500/1700 kbps, 30 fps); subscribers receive every publisher's audio and 640x360 video (the h layer) by automatic subscription; ${WINDOW_S} s windows after media reached everyone`,
    publishers: PUBLISHERS,
    baseline,
    steps: windows,
    stop,
    largest: largest ? { subscribers: largest.subscribers, participants: largest.participants, forwardedPps: largest.forwardedPps } : null,
    largestUnsaturated: unsaturated ? { subscribers: unsaturated.subscribers, participants: unsaturated.participants, forwardedPps: unsaturated.forwardedPps } : null,
    untilLoss: args['until-loss'],
  };
  const points = (pick: (w: Window) => number | null) => windows.flatMap((w) => (pick(w) === null ? [] : [[w.subscribers, pick(w)!] as [number, number]]));
  const files = writeResult(NAME, result, {
    [`${NAME}.svg`]: lineChart({
      title: `Server CPU per forwarded packet, ${PUBLISHERS} publishers (flat = cost grows linearly)`,
      xLabel: 'subscribers in the room',
      yLabel: 'µs of server CPU per forwarded packet',
      yMin: 0,
      series: [
        { name: 'all server CPU / forwarded packets', points: points((w) => w.usPerPacket) },
        { name: 'above the publishers-only baseline', points: points((w) => w.marginalUsPerPacket), dashed: true },
      ],
    }),
    [`${NAME}-cpu.svg`]: lineChart({
      title: 'CPU as the room grows (load generator on the same machine)',
      xLabel: 'subscribers in the room',
      yLabel: '% of one core',
      yMin: 0,
      yLine: { value: os.cpus().length * 100, label: `all ${os.cpus().length} cores` },
      series: [
        { name: 'server process', points: points((w) => w.serverCpuPct) },
        { name: 'load generator', points: points((w) => w.loadGeneratorCpuPct) },
        { name: 'whole machine', points: points((w) => w.machineCpuPct), dashed: true },
      ],
    }),
  });
  log(`wrote ${files.join(', ')}`);
  if (args.json) console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  if ((process.env.DEBUG ?? '').startsWith('confab')) console.error(error);
  console.error(`room: ${(error as Error).message}`);
  process.exit(1);
});
