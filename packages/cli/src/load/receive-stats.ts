/**
 * Reception accounting of one received RTP stream (RFC 3550 §6.4.1 / A.3 / A.8): unique packets,
 * loss from sequence gaps (a retransmission that fills a gap counts as received), interarrival
 * jitter, and which gaps are worth a NACK now.
 */
import { seqDiff } from '../../../server/src/sfu/rtp/rtp-packet.js';

/** A gap is NACKed at once, then again every NACK_RETRY_MS, at most NACK_TRIES times in all. */
const NACK_RETRY_MS = 100;
const NACK_TRIES = 3;
/** A missing packet older than this is given up (it stays lost). */
const MISSING_MAX_AGE_MS = 1000;
/** Gaps larger than this are not NACKed packet by packet (a stream restart, not loss to repair). */
const MAX_NACKABLE_GAP = 200;

export class ReceiveStats {
  received = 0;
  bytes = 0;
  duplicates = 0;
  /** Sequence numbers NACKed (each try counts). */
  nacked = 0;
  /** Interarrival jitter, in timestamp units. */
  jitter = 0;
  ssrc = 0;
  firstAt = 0;
  lastAt = 0;
  private base = -1;
  private highest = -1;
  private lastArrivalUnits = 0;
  private lastTs = 0;
  private readonly missing = new Map<number, { at: number; tries: number; lastTry: number }>();
  // Receiver report interval state.
  private expectedPrior = 0;
  private receivedPrior = 0;

  constructor(readonly clockRate: number) {}

  get expected(): number {
    return this.highest < 0 ? 0 : this.highest - this.base + 1;
  }

  get lost(): number {
    return Math.max(0, this.expected - this.received);
  }

  get jitterMs(): number {
    return (this.jitter / this.clockRate) * 1000;
  }

  /**
   * Accounts one RTP packet; returns the sequence numbers that just went missing (to NACK now),
   * or null when nothing went missing (no allocation on the common path).
   */
  onPacket(seq: number, timestamp: number, ssrc: number, bytes: number, nowMs: number): number[] | null {
    this.lastAt = nowMs;
    const arrivalUnits = (nowMs * this.clockRate) / 1000;
    if (this.highest < 0) {
      this.base = this.highest = seq;
      this.ssrc = ssrc;
      this.firstAt = nowMs;
      this.received = 1;
      this.bytes = bytes;
      this.lastArrivalUnits = arrivalUnits;
      this.lastTs = timestamp;
      return null;
    }
    const delta = seqDiff(seq, this.highest & 0xffff);
    if (delta <= 0) {
      const ext = this.highest + delta;
      if (this.missing.delete(ext)) {
        this.received++;
        this.bytes += bytes;
      } else if (ext < this.base) {
        // Reordered before the first packet seen: extend the window back.
        this.base = ext;
        this.received++;
        this.bytes += bytes;
      } else {
        this.duplicates++;
      }
      return null;
    }
    const ext = this.highest + delta;
    this.received++;
    this.bytes += bytes;
    // Jitter of in-order packets (signed 32-bit timestamp difference handles wrap-around).
    const d = arrivalUnits - this.lastArrivalUnits - ((timestamp - this.lastTs) | 0);
    this.jitter += (Math.abs(d) - this.jitter) / 16;
    this.lastArrivalUnits = arrivalUnits;
    this.lastTs = timestamp;
    let gone: number[] | null = null;
    if (delta > 1 && delta - 1 <= MAX_NACKABLE_GAP) {
      gone = [];
      for (let s = this.highest + 1; s < ext; s++) {
        this.missing.set(s, { at: nowMs, tries: 1, lastTry: nowMs });
        gone.push(s & 0xffff);
      }
      this.nacked += gone.length;
    }
    this.highest = ext;
    return gone;
  }

  /** Missing packets due for another NACK; forgets those too old to repair. */
  dueNacks(nowMs: number): number[] {
    if (this.missing.size === 0) return [];
    const due: number[] = [];
    for (const [s, m] of this.missing) {
      if (nowMs - m.at > MISSING_MAX_AGE_MS) {
        this.missing.delete(s);
        continue;
      }
      if (m.tries < NACK_TRIES && nowMs - m.lastTry >= NACK_RETRY_MS) {
        m.tries++;
        m.lastTry = nowMs;
        due.push(s & 0xffff);
      }
    }
    this.nacked += due.length;
    return due;
  }

  /** Figures for one receiver report block since the previous call (RFC 3550 A.3). */
  reportBlock(): { fractionLost: number; cumulativeLost: number; highestSeq: number; jitter: number } {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    const receivedInterval = this.received - this.receivedPrior;
    this.expectedPrior = expected;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    return {
      fractionLost: expectedInterval <= 0 || lostInterval <= 0 ? 0 : lostInterval / expectedInterval,
      cumulativeLost: this.lost,
      highestSeq: Math.max(0, this.highest) >>> 0,
      jitter: Math.round(this.jitter),
    };
  }
}
