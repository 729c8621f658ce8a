import type { ConnectionQuality } from '../call/types.js';
import type { StatsSource } from '../transports/transport.js';

export const STATS_INTERVAL_MS = 1000;
/** audioLevel (0..1) above which someone counts as speaking. */
const SPEAKING_LEVEL = 0.04;

export interface MeasuredLevels {
  audioLevel: number;
  isSpeaking: boolean;
}

export interface StatsReport {
  /** Remote participants' audio levels, by session id (p2p: measured on what we receive). */
  remoteLevels: Map<string, MeasuredLevels>;
  /** Our own microphone level. */
  localLevel: MeasuredLevels | null;
  /** Connection quality per remote session (null key: the SFU connection). */
  quality: Map<string | null, ConnectionQuality>;
}

interface LossCounters {
  received: number;
  lost: number;
}

export function qualityFrom(rttSeconds: number | undefined, lossRatio: number): ConnectionQuality {
  if (rttSeconds === undefined) return 'unknown';
  if (rttSeconds < 0.15 && lossRatio < 0.02) return 'excellent';
  if (rttSeconds < 0.4 && lossRatio < 0.08) return 'good';
  return 'poor';
}

const levels = (audioLevel: number): MeasuredLevels => ({ audioLevel, isSpeaking: audioLevel > SPEAKING_LEVEL });

/**
 * Reads getStats of the transport's peer connections on an interval and reports audio levels and
 * connection quality. It owns one timer, cleared by stop().
 */
export class StatsManager {
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly lastLoss = new Map<RTCPeerConnection, LossCounters>();
  private running = false;

  constructor(
    private readonly sources: () => StatsSource[],
    private readonly onReport: (report: StatsReport) => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), STATS_INTERVAL_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.lastLoss.clear();
  }

  private async poll(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const report: StatsReport = { remoteLevels: new Map(), localLevel: null, quality: new Map() };
      for (const source of this.sources()) {
        if (source.pc.connectionState === 'closed') continue;
        const stats = await source.pc.getStats();
        this.read(source, stats, report);
      }
      if (this.timer) this.onReport(report);
    } catch {
      // A connection closed while we read it; the next poll sees the new set.
    } finally {
      this.running = false;
    }
  }

  private read(source: StatsSource, stats: RTCStatsReport, report: StatsReport): void {
    let rtt: number | undefined;
    let received = 0;
    let lost = 0;
    stats.forEach((s: Record<string, unknown>) => {
      if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded' && typeof s.currentRoundTripTime === 'number') {
        rtt = s.currentRoundTripTime;
      } else if (s.type === 'inbound-rtp') {
        received += Number(s.packetsReceived ?? 0);
        lost += Math.max(0, Number(s.packetsLost ?? 0));
        if (s.kind === 'audio' && source.sessionId && typeof s.audioLevel === 'number') {
          report.remoteLevels.set(source.sessionId, levels(s.audioLevel));
        }
      } else if (s.type === 'media-source' && s.kind === 'audio' && typeof s.audioLevel === 'number') {
        report.localLevel = levels(s.audioLevel);
      }
    });
    const last = this.lastLoss.get(source.pc) ?? { received: 0, lost: 0 };
    this.lastLoss.set(source.pc, { received, lost });
    const dReceived = received - last.received;
    const dLost = lost - last.lost;
    const lossRatio = dReceived + dLost > 0 ? dLost / (dReceived + dLost) : 0;
    report.quality.set(source.sessionId, qualityFrom(rtt, lossRatio));
  }
}
