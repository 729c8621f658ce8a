/**
 * Signalling fan-out: `npm run bench -- signal [--sizes 10,25,50,75,100] [--rate 8] [--seconds 8] [--json]`
 *
 * N participants in one call each send `--rate` messages per second (under the server's per-user
 * limit of 10/s) for `--seconds`; every message goes to the N-1 others. Measured: deliveries per
 * second, delivery ratio, latency from send to receipt (p50/p95/p99, all clients in this process,
 * one clock) and server CPU. Two Confab kinds: custom events (`event.send`, delivered, not stored)
 * and chat messages (`message.send`, stored in SQLite and sequenced). Baseline in the same run: a
 * raw `ws` server in its own process that parses each message, answers it and sends one event
 * string to every other client (bench/signal-baseline-server.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { delta, scrapeMetrics } from '../packages/cli/src/load/prometheus.js';
import { apiKeyTokens } from '../packages/cli/src/load/tokens.js';
import { startServerProcess, type ServerProcess } from '../e2e/helpers/server-process.js';
import { waitUntil } from '../e2e/helpers/wait.js';
import { lineChart } from './charts.js';
import { finishContext, machineCpu, machineCpuPct, processCpuPct, round, runContext, warnIfBusy, writeResult } from './charts-context.js';
import { percentile, table } from './stats.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10,25,50,75,100' },
    rate: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '8' },
    /** Only redraw the charts from docs/benchmarks/signal.json. */
    replot: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const SIZES = args.sizes!.split(',').map(Number);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const API_KEY = 'bench-signal';
const API_SECRET = 'bench-signal-secret-0123456789';
const CALL_TYPE = 'bench_signal';
const TEXT = 'the quick brown fox jumps over the lazy dog, a chat line of ordinary length';
const here = path.dirname(fileURLToPath(import.meta.url));
const log = (s: string) => process.stderr.write(`signal: ${s}\n`);

type Mode = 'custom' | 'chat' | 'baseline';

/** Shared by every client of one measurement. */
class Tally {
  latencies: number[] = [];
  delivered = 0;
  sent = 0;
  answered = 0;
  ok = 0;
  errors = new Map<string, number>();
  lastDeliveryAt = 0;
}

class Client {
  private nextId = 1;
  private readonly pending = new Map<string, (r: { ok: boolean; error?: { code: string } }) => void>();

  private constructor(
    private readonly ws: WebSocket,
    private readonly tally: Tally,
  ) {
    ws.on('message', (raw) => this.onMessage(raw.toString()));
    ws.on('error', () => undefined);
  }

  static open(url: string, tally: Tally, waitForOk: boolean): Promise<Client> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const c = new Client(ws, tally);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no connection to ${url.split('?')[0]} within 15 s`)), 15_000);
      const done = () => {
        clearTimeout(timer);
        resolve(c);
      };
      ws.once('error', (e) => reject(e));
      if (waitForOk) c.onConnected = done;
      else ws.once('open', done);
    });
  }

  onConnected: (() => void) | null = null;

  private onMessage(text: string): void {
    const m = JSON.parse(text) as { type: string; requestId?: string; ok?: boolean; error?: { code: string }; payload?: any };
    if (m.type === 'response') {
      const p = m.requestId ? this.pending.get(m.requestId) : undefined;
      if (p) {
        this.pending.delete(m.requestId!);
        p({ ok: m.ok === true, ...(m.error ? { error: m.error } : {}) });
      }
      return;
    }
    if (m.type === 'connection.ok') return this.onConnected?.();
    const data = m.type === 'custom' ? m.payload?.data : m.type === 'message' ? m.payload?.message?.data : undefined;
    if (data && typeof data.t === 'number') {
      const now = performance.now();
      this.tally.latencies.push(now - data.t);
      this.tally.delivered++;
      this.tally.lastDeliveryAt = now;
    }
  }

  request(type: string, payload: unknown): Promise<{ ok: boolean; error?: { code: string } }> {
    const requestId = String(this.nextId++);
    return new Promise((resolve) => {
      this.pending.set(requestId, resolve);
      this.ws.send(JSON.stringify({ type, requestId, payload }));
    });
  }

  /** Sends one fan-out message; the answer is tallied, not awaited. */
  fire(mode: Mode, cid: string): void {
    const data = { text: TEXT, t: performance.now() };
    const type = mode === 'chat' ? 'message.send' : 'event.send';
    this.tally.sent++;
    void this.request(type, { cid, data }).then((r) => {
      this.tally.answered++;
      if (r.ok) this.tally.ok++;
      else this.tally.errors.set(r.error?.code ?? '?', (this.tally.errors.get(r.error?.code ?? '?') ?? 0) + 1);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

interface Measurement {
  mode: Mode;
  participants: number;
  sent: number;
  accepted: number;
  errors: Record<string, number>;
  expected: number;
  delivered: number;
  deliveryRatio: number;
  deliveriesPerSecond: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  serverCpuPct: number | null;
  /** Server CPU time over the window divided by the messages it delivered. */
  serverCpuUsPerDelivery: number | null;
  loadGeneratorCpuPct: number;
  machineCpuPct: number;
}

class BaselineServer {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static start(): Promise<BaselineServer> {
    const child = fork(path.join(here, 'signal-baseline-server.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`baseline server exited (${code})`)));
      child.once('message', (m: { t: string; port: number }) => resolve(new BaselineServer(child, m.port)));
    });
  }

  cpuSeconds(): Promise<number> {
    return new Promise((resolve) => {
      this.child.once('message', (m: { usage: NodeJS.CpuUsage }) => resolve((m.usage.user + m.usage.system) / 1e6));
      this.child.send({ t: 'cpu' });
    });
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.removeAllListeners('exit');
      this.child.once('exit', () => resolve());
      this.child.send({ t: 'stop' });
    });
  }
}

async function measure(mode: Mode, n: number, confab: ServerProcess, baseline: BaselineServer): Promise<Measurement> {
  const tally = new Tally();
  const clients: Client[] = [];
  const callId = `signal-${n}-${mode}`;
  const cid = `${CALL_TYPE}:${callId}`;
  const tokens = apiKeyTokens(API_KEY, API_SECRET);
  try {
    for (let i = 0; i < n; i++) {
      if (mode === 'baseline') clients.push(await Client.open(`ws://127.0.0.1:${baseline.port}/`, tally, false));
      else {
        const token = await tokens(`sig-${mode}-${n}-${i}`, `user ${i}`);
        const c = await Client.open(`${confab.url.replace('http', 'ws')}/rtc?access_token=${token}`, tally, true);
        clients.push(c);
        const r = await c.request('call.join', { type: CALL_TYPE, id: callId, create: true });
        if (!r.ok) throw new Error(`join ${cid}: ${r.error?.code}`);
      }
    }
    // Let the join announcements settle before measuring.
    await new Promise((r) => setTimeout(r, 1000));
    const m0 = mode === 'baseline' ? null : await scrapeMetrics(confab.url);
    const b0 = mode === 'baseline' ? await baseline.cpuSeconds() : 0;
    const cpu0 = process.cpuUsage();
    const mc0 = machineCpu();
    const t0 = performance.now();
    // Each client sends RATE per second, phases spread evenly.
    const next = clients.map((_, i) => t0 + (i / n) * (1000 / RATE));
    const end = t0 + SECONDS * 1000;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now();
        for (let i = 0; i < n; i++) {
          while (next[i]! <= now && next[i]! < end) {
            clients[i]!.fire(mode, cid);
            next[i]! += 1000 / RATE;
          }
        }
        if (now >= end) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    await waitUntil(() => tally.answered === tally.sent && tally.delivered >= tally.ok * (n - 1), 'every message answered and delivered', 15_000).catch(() => log(`${mode} ${n}: not everything arrived within 15 s`));
    const ms = performance.now() - t0;
    const m1 = mode === 'baseline' ? null : await scrapeMetrics(confab.url);
    const b1 = mode === 'baseline' ? await baseline.cpuSeconds() : 0;
    const lat = tally.latencies;
    const serverCpuS = m0 && m1 ? delta(m0, m1, 'confab_process_cpu_seconds_total') : mode === 'baseline' ? b1 - b0 : null;
    const serverWindowS = m0 && m1 ? (m1.at - m0.at) / 1000 : ms / 1000;
    const p = (q: number) => (lat.length ? round(percentile(lat, q), 2) : null);
    const expected = tally.ok * (n - 1);
    return {
      mode,
      participants: n,
      sent: tally.sent,
      accepted: tally.ok,
      errors: Object.fromEntries(tally.errors),
      expected,
      delivered: tally.delivered,
      deliveryRatio: expected ? round(tally.delivered / expected, 4) : 0,
      deliveriesPerSecond: Math.round(tally.delivered / ((tally.lastDeliveryAt - t0) / 1000 || 1)),
      latencyMs: { p50: p(50), p95: p(95), p99: p(99) },
      serverCpuPct: serverCpuS === null ? null : round((serverCpuS / serverWindowS) * 100, 1),
      serverCpuUsPerDelivery: serverCpuS === null || tally.delivered === 0 ? null : round((serverCpuS / tally.delivered) * 1e6, 2),
      loadGeneratorCpuPct: round(processCpuPct(cpu0, ms), 1),
      machineCpuPct: round(machineCpuPct(mc0, machineCpu()), 1),
    };
  } finally {
    if (mode !== 'baseline') await Promise.all(clients.map((c) => c.request('call.leave', { cid }).catch(() => undefined)));
    await Promise.all(clients.map((c) => c.close()));
  }
}

async function createCallType(url: string): Promise<void> {
  const token = await apiKeyTokens(API_KEY, API_SECRET)('bench-admin', 'bench admin');
  const { callTypes } = (await (await fetch(`${url}/api/v1/call-types`, { headers: { authorization: `Bearer ${token}` } })).json()) as { callTypes: Array<{ name: string; grants: unknown }> };
  const res = await fetch(`${url}/api/v1/call-types/${CALL_TYPE}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64')}` },
    body: JSON.stringify({ mediaPath: 'sfu', maxParticipants: 2000, audioOnly: false, grants: callTypes.find((t) => t.name === 'default')!.grants }),
  });
  if (!res.ok) throw new Error(`creating the ${CALL_TYPE} call type: HTTP ${res.status}`);
}

async function main(): Promise<void> {
  if (args.replot) {
    const file = path.join(here, '../docs/benchmarks/signal.json');
    const result = JSON.parse(fs.readFileSync(file, 'utf8')) as { ratePerSender: number; rows: Measurement[] };
    const written = writeResult('signal', result, charts(result));
    log(`redrew ${written.slice(1).join(', ')}`);
    return;
  }
  warnIfBusy('signal');
  const ctx = runContext();
  const confab = await startServerProcess({ env: { CONFAB_API_KEY: API_KEY, CONFAB_API_SECRET: API_SECRET, CONFAB_MAX_CONNECTIONS_PER_IP: '100000' } });
  const baseline = await BaselineServer.start();
  const rows: Measurement[] = [];
  try {
    await createCallType(confab.url);
    for (const n of SIZES) {
      for (const mode of ['custom', 'chat', 'baseline'] as const) {
        log(`${n} participants, ${mode} ...`);
        const m = await measure(mode, n, confab, baseline);
        rows.push(m);
        log(`  ${m.deliveriesPerSecond} deliveries/s, ratio ${m.deliveryRatio}, p95 ${m.latencyMs.p95} ms, server CPU ${m.serverCpuPct}%`);
      }
    }
  } finally {
    await baseline.stop();
    await confab.stop();
  }
  const f = (v: number | null) => (v === null ? 'n/a' : String(v));
  console.log(
    table([
      ['participants', 'kind', 'sent/s', 'deliveries/s', 'delivered', 'latency p50/p95/p99 ms', 'server CPU', 'µs/delivery', 'load gen CPU', 'errors'],
      ...rows.map((m) => [
        m.participants,
        m.mode === 'baseline' ? 'raw ws (baseline)' : m.mode === 'chat' ? 'chat message.send' : 'custom event.send',
        Math.round(m.sent / SECONDS),
        m.deliveriesPerSecond,
        `${(m.deliveryRatio * 100).toFixed(2)}%`,
        `${f(m.latencyMs.p50)} / ${f(m.latencyMs.p95)} / ${f(m.latencyMs.p99)}`,
        `${f(m.serverCpuPct)}%`,
        f(m.serverCpuUsPerDelivery),
        `${m.loadGeneratorCpuPct}%`,
        Object.entries(m.errors).map(([k, v]) => `${k}:${v}`).join(' ') || '-',
      ]),
    ]),
  );
  const result = {
    ...finishContext(ctx),
    conditions: `one call of N participants (SFU call type, no media), each sending ${RATE} messages/s for ${SECONDS} s to everyone; server and load generator on the same machine, loopback; the baseline is a raw ws broadcast server in its own process`,
    ratePerSender: RATE,
    seconds: SECONDS,
    rows,
  };
  const files = writeResult('signal', result, charts(result));
  log(`wrote ${files.join(', ')}`);
  if (args.json) console.log(JSON.stringify(result));
}

/** The two charts of a result (also redrawn from the JSON with --replot). */
function charts(result: { ratePerSender: number; rows: Measurement[] }): Record<string, string> {
  const { rows } = result;
  const sizes = [...new Set(rows.map((m) => m.participants))];
  const RATE = result.ratePerSender;
  const SIZES = sizes;
  const series = (mode: Mode, pick: (m: Measurement) => number | null) => rows.filter((m) => m.mode === mode && pick(m) !== null).map((m) => [m.participants, pick(m)!] as [number, number]);
  const names: Record<Mode, string> = { custom: 'Confab custom events', chat: 'Confab chat messages (stored)', baseline: 'raw ws broadcast (baseline)' };
  return {
    'signal.svg': lineChart({
      title: `Signalling fan-out: server CPU per delivered message (each participant sends ${RATE}/s)`,
      xLabel: 'participants in the call',
      yLabel: 'µs of server CPU per delivery',
      xTicks: SIZES,
      yMin: 0,
      series: (['custom', 'chat', 'baseline'] as const).map((m) => ({ name: names[m], points: series(m, (x) => x.serverCpuUsPerDelivery), dashed: m === 'baseline' })),
    }),
    'signal-latency.svg': lineChart({
      title: 'Signalling fan-out: p95 latency from send to receipt (log scale)',
      xLabel: 'participants in the call',
      yLabel: 'ms (p95, log scale)',
      xTicks: SIZES,
      yLog: true,
      series: (['custom', 'chat', 'baseline'] as const).map((m) => ({ name: names[m], points: series(m, (x) => x.latencyMs.p95), dashed: m === 'baseline' })),
    }),
  };
}

main().catch((error: unknown) => {
  if ((process.env.DEBUG ?? '').startsWith('confab')) console.error(error);
  console.error(`signal: ${(error as Error).message}`);
  process.exit(1);
});
