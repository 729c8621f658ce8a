/**
 * A running load: participants joined at a ramp, one pacing timer driving every publisher, one
 * feedback timer for subscribers (NACK retries, receiver reports), and totals on demand. Used by
 * `confab load-test` and by the benchmarks (bench/join.ts, bench/room.ts), which add participants
 * step by step.
 */
import { randomBytes } from 'node:crypto';
import type { TrackKind } from '@confab/protocol';
import { LoadParticipant, type ParticipantContext } from './participant.js';

/** The SFU bridge subscribes everyone to all audio and to the video of up to 25 others (MAX_AUTO_VIDEO in sfu-bridge.ts). */
export const AUTO_VIDEO_LIMIT = 25;
/** A track counts as receiving when a packet arrived this recently. */
export const RECEIVING_WINDOW_MS = 2000;

const PUMP_MS = 5;
const FEEDBACK_MS = 100;

export interface Totals {
  participants: number;
  joined: number;
  failed: number;
  tracksExpected: number;
  tracksReceiving: number;
  packetsSent: number;
  packetsReceived: number;
  packetsLost: number;
  /** Mean interarrival jitter of the live received tracks, ms. */
  jitterMs: number;
  jitterMaxMs: number;
  nacksSent: number;
  plisAtPublishers: number;
  nacksAtPublishers: number;
  retransmittedByPublishers: number;
  keyframes: number;
  lateFrames: number;
  relayDropped: number;
}

export class LoadRun {
  readonly participants: LoadParticipant[] = [];
  private readonly runId = randomBytes(3).toString('hex');
  private pumpTimer: NodeJS.Timeout | null = null;
  private feedbackTimer: NodeJS.Timeout | null = null;
  private lastReports = 0;
  private closed = false;

  constructor(private readonly ctx: ParticipantContext) {}

  /** Creates `count` participants publishing `kinds` (none: they only receive). */
  add(role: 'pub' | 'sub', count: number, kinds: TrackKind[]): LoadParticipant[] {
    const created: LoadParticipant[] = [];
    const base = this.participants.filter((p) => p.userId.includes(`-${role}`)).length;
    for (let i = 0; i < count; i++) {
      const p = new LoadParticipant(`load-${this.runId}-${role}${base + i + 1}`, kinds, this.ctx);
      this.participants.push(p);
      created.push(p);
    }
    return created;
  }

  /**
   * Starts the joins of `list`, `ramp` per second (paced, not waiting for each), and resolves
   * once every one has joined or failed. `onJoin` is called as each settles.
   */
  async join(list: LoadParticipant[], ramp: number, signal?: AbortSignal, onJoin?: () => void): Promise<void> {
    this.start();
    const t0 = performance.now();
    const joins: Promise<void>[] = [];
    for (let i = 0; i < list.length && !signal?.aborted && !this.closed; i++) {
      const wait = t0 + (i * 1000) / ramp - performance.now();
      if (wait > 0) await pause(wait, signal);
      if (signal?.aborted || this.closed) break;
      joins.push(list[i]!.join().then(onJoin, onJoin));
    }
    await Promise.allSettled(joins);
  }

  /** Starts the pacing and feedback timers (idempotent). */
  start(): void {
    if (this.pumpTimer || this.closed) return;
    this.pumpTimer = setInterval(() => {
      const now = performance.now();
      for (const p of this.participants) for (const pub of p.publishers) pub.pump(now);
    }, PUMP_MS);
    this.feedbackTimer = setInterval(() => {
      const now = performance.now();
      const reports = now - this.lastReports >= 1000;
      if (reports) this.lastReports = now;
      for (const p of this.participants) p.subscriber?.tick(now, reports);
    }, FEEDBACK_MS);
  }

  /** Whether every joined participant's publishers are connected and every expected track flows. */
  settled(): boolean {
    const t = this.totals();
    const joined = this.participants.filter((p) => p.state === 'joined');
    return joined.every((p) => p.mediaConnected) && t.tracksReceiving >= t.tracksExpected;
  }

  totals(now = performance.now()): Totals {
    const joined = this.participants.filter((p) => p.state === 'joined');
    const audioPubs = joined.filter((p) => p.publishes.includes('audio'));
    const videoPubs = joined.filter((p) => p.publishes.includes('video'));
    let tracksExpected = 0;
    let tracksReceiving = 0;
    const liveJitters: number[] = [];
    for (const r of joined) {
      const sub = r.subscriber;
      const others = (list: LoadParticipant[]) => list.filter((p) => p !== r && p.sessionId);
      const audioFrom = others(audioPubs);
      const videoFrom = others(videoPubs);
      tracksExpected += audioFrom.length + Math.min(AUTO_VIDEO_LIMIT, videoFrom.length);
      for (const [list, kind] of [[audioFrom, 'audio'], [videoFrom, 'video']] as const) {
        for (const p of list) {
          const stats = sub?.current(p.sessionId!, kind);
          if (stats && now - stats.lastAt <= RECEIVING_WINDOW_MS) {
            tracksReceiving++;
            liveJitters.push(stats.jitterMs);
          }
        }
      }
    }
    const t: Totals = {
      participants: this.participants.length,
      joined: joined.length,
      failed: this.participants.filter((p) => p.state === 'failed').length,
      tracksExpected,
      tracksReceiving: Math.min(tracksReceiving, tracksExpected),
      packetsSent: 0,
      packetsReceived: 0,
      packetsLost: 0,
      jitterMs: liveJitters.length ? liveJitters.reduce((a, b) => a + b, 0) / liveJitters.length : 0,
      jitterMaxMs: liveJitters.length ? Math.max(...liveJitters) : 0,
      nacksSent: 0,
      plisAtPublishers: 0,
      nacksAtPublishers: 0,
      retransmittedByPublishers: 0,
      keyframes: 0,
      lateFrames: 0,
      relayDropped: 0,
    };
    for (const p of this.participants) {
      for (const pub of p.publishers) {
        t.packetsSent += pub.source.counters.packets;
        t.retransmittedByPublishers += pub.source.counters.retransmitted;
        t.keyframes += pub.source.counters.keyframes;
        t.plisAtPublishers += pub.feedback.plis + pub.feedback.firs;
        t.nacksAtPublishers += pub.feedback.nacks;
        t.lateFrames += pub.late;
      }
      for (const s of p.subscriber?.streams() ?? []) {
        t.packetsReceived += s.stats.received;
        t.packetsLost += s.stats.lost;
        t.nacksSent += s.stats.nacked;
      }
      t.relayDropped += p.relay?.dropped ?? 0;
    }
    return t;
  }

  /** Every participant leaves; timers stop. (node-datachannel's cleanup is the caller's, at exit.) */
  async close(): Promise<void> {
    this.closed = true;
    if (this.pumpTimer) clearInterval(this.pumpTimer);
    if (this.feedbackTimer) clearInterval(this.feedbackTimer);
    this.pumpTimer = this.feedbackTimer = null;
    // Leave in batches so a large run does not open hundreds of requests at once.
    const all = [...this.participants];
    for (let i = 0; i < all.length; i += 50) await Promise.all(all.slice(i, i + 50).map((p) => p.leave()));
  }
}

/** Waits `ms` (pacing of joins), or less if `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
