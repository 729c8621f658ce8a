/** What `confab load-test` prints: the JSON summary (fixed shape) and the table for people. */
import type { LoadOptions } from './options.js';
import type { Totals } from './load-run.js';
import { delta, sample, type ServerSample } from './prometheus.js';

/** The `--json` line: exactly these fields (docs/load-testing.md). */
export interface LoadSummary {
  publishers: number;
  subscribers: number;
  joinMs: { p50: number | null; p95: number | null; max: number | null };
  tracks: { expected: number; receiving: number };
  packets: { sent: number; received: number; lost: number };
  lossPct: number;
  jitterMs: number;
  nacks: number;
  plis: number;
  server: { cpuPct: number | null; rssMb: number | null };
}

/** Server figures over the steady window, from two /metrics scrapes. */
export interface ServerFigures {
  cpuPct: number | null;
  rssMb: number | null;
  forwardedPackets: number | null;
  nacksReceived: number | null;
  retransmitted: number | null;
  plisSent: number | null;
  eventLoopLagP99Ms: number | null;
}

const finite = (n: number): number | null => (Number.isFinite(n) ? n : null);

export function serverFigures(a: ServerSample | null, b: ServerSample | null): ServerFigures {
  if (!a || !b) return { cpuPct: null, rssMb: null, forwardedPackets: null, nacksReceived: null, retransmitted: null, plisSent: null, eventLoopLagP99Ms: null };
  const seconds = (b.at - a.at) / 1000;
  return {
    cpuPct: finite(round((delta(a, b, 'confab_process_cpu_seconds_total') / seconds) * 100, 1)),
    rssMb: finite(round(sample(b.samples, 'confab_process_resident_memory_bytes') / 1048576, 1)),
    forwardedPackets: finite(delta(a, b, 'confab_sfu_forwarded_packets_total')),
    nacksReceived: finite(delta(a, b, 'confab_sfu_nacks_received_total')),
    retransmitted: finite(delta(a, b, 'confab_sfu_retransmitted_packets_total')),
    plisSent: finite(delta(a, b, 'confab_sfu_plis_sent_total')),
    eventLoopLagP99Ms: finite(round(sample(b.samples, 'confab_nodejs_eventloop_lag_p99_seconds') * 1000, 1)),
  };
}

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

const r1 = (n: number | null) => (n === null ? null : round(n, 1));

export function summarize(options: LoadOptions, totals: Totals, joinTimes: number[], server: ServerFigures): LoadSummary {
  const { packetsReceived: received, packetsLost: lost } = totals;
  return {
    publishers: options.publishers,
    subscribers: options.subscribers,
    joinMs: { p50: r1(percentile(joinTimes, 50)), p95: r1(percentile(joinTimes, 95)), max: r1(joinTimes.length ? Math.max(...joinTimes) : null) },
    tracks: { expected: totals.tracksExpected, receiving: totals.tracksReceiving },
    packets: { sent: totals.packetsSent, received, lost },
    lossPct: received + lost > 0 ? round((lost / (received + lost)) * 100, 3) : 0,
    jitterMs: round(totals.jitterMs, 2),
    nacks: totals.nacksSent,
    plis: totals.plisAtPublishers,
    server: { cpuPct: server.cpuPct, rssMb: server.rssMb },
  };
}

const fmt = (n: number | null | undefined, unit = ''): string => (n === null || n === undefined ? 'n/a' : `${n.toLocaleString('en-US')}${unit}`);

export interface TableExtras {
  cid: string;
  url: string;
  durationS: number;
  firstMediaMs: number[];
  loadCpuPct: number;
  incidents: string[];
}

/** The report for people (stdout). */
export function renderTable(options: LoadOptions, s: LoadSummary, t: Totals, server: ServerFigures, x: TableExtras): string {
  const media = options.audioOnly ? 'audio' : `audio + video (3 layers, top ${options.videoKbps} kbps)`;
  const rows: Array<[string, string]> = [
    ['call', `${x.cid} at ${x.url}`],
    ['load', `${s.publishers} publishers (${media}) + ${s.subscribers} subscribers, ramp ${options.ramp}/s, ${round(x.durationS, 1)} s steady${options.lossPct ? `, ${options.lossPct}% loss injected` : ''}`],
    ['joins', `${t.joined}/${t.participants} joined${t.failed ? `, ${t.failed} failed` : ''} · call.join p50 ${fmt(s.joinMs.p50, ' ms')} · p95 ${fmt(s.joinMs.p95, ' ms')} · max ${fmt(s.joinMs.max, ' ms')}`],
    ['first media', `p50 ${fmt(r1(percentile(x.firstMediaMs, 50)), ' ms')} · p95 ${fmt(r1(percentile(x.firstMediaMs, 95)), ' ms')} after the join started`],
    ['tracks', `${s.tracks.receiving}/${s.tracks.expected} receiving`],
    ['packets', `sent ${fmt(s.packets.sent)} · received ${fmt(s.packets.received)} · lost ${fmt(s.packets.lost)} (${s.lossPct}%)`],
    ['jitter', `mean ${s.jitterMs} ms · max ${round(t.jitterMaxMs, 2)} ms`],
    ['feedback', `NACKed ${fmt(s.nacks)} · PLI/FIR at publishers ${fmt(s.plis)} · key frames ${fmt(t.keyframes)}${t.relayDropped ? ` · relay dropped ${fmt(t.relayDropped)}` : ''}`],
    ['server', `CPU ${fmt(s.server.cpuPct, '%')} · RSS ${fmt(s.server.rssMb, ' MB')} · forwarded ${fmt(server.forwardedPackets)} pkts · NACKs in ${fmt(server.nacksReceived)} · retransmitted ${fmt(server.retransmitted)} · event-loop p99 ${fmt(server.eventLoopLagP99Ms, ' ms')}`],
    ['load side', `CPU ${fmt(round(x.loadCpuPct, 1), '%')}${t.lateFrames ? ` · ${fmt(t.lateFrames)} frames skipped (load generator behind)` : ''}`],
  ];
  if (x.incidents.length) rows.push(['incidents', x.incidents.slice(0, 5).join(' | ')]);
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}
