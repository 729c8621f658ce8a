/**
 * One incoming RTP stream of a published track: a simulcast layer (rid), or the only stream of a
 * non-simulcast track. Holds its NACK cache, reception statistics for receiver reports, measured
 * bitrate and key frame size, and the downtracks that currently read from it.
 */
import { PacketCache, type CacheAccounting } from './rtp/packet-cache.js';
import { seqDiff } from './rtp/rtp-packet.js';
import type { ReportBlockInit } from './rtp/rtcp.js';
import type { DownTrack } from './downtrack.js';

/** A layer without packets for this long is considered paused by the publisher. */
export const LAYER_INACTIVE_MS = 1500;
/** At most one key frame request per layer per this interval. */
export const KEYFRAME_REQUEST_INTERVAL_MS = 1000;

export class SourceLayer {
  /** 0 until the first packet tells it. */
  ssrc = 0;
  /** Bumped when the SSRC changes (encoder restart): forwarders must resynchronise. */
  generation = 0;
  /** Downtracks whose current or target layer is this one; iterated per packet. */
  receivers: DownTrack[] = [];
  packets = 0;
  bytes = 0;
  lastPacketAtMs = 0;
  /** bit/s, smoothed. */
  bitrate = 0;
  width = 0;
  height = 0;
  lastKeyframeAtMs = 0;
  lastKeyframeRequestAtMs = -Infinity;
  /** A key frame request arrived inside the rate limit window. */
  keyframePending = false;
  lastSrNtpMiddle = 0;
  lastSrAtMs = 0;
  readonly cache: PacketCache;

  private started = false;
  private baseSeq = 0;
  private maxSeq = 0;
  private cycles = 0;
  private received = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private bytesAtTick = 0;
  private tickAtMs = 0;

  constructor(
    readonly index: number,
    readonly rid: string,
    cacheSize: number,
    accounting: CacheAccounting,
  ) {
    this.cache = new PacketCache(cacheSize, accounting);
  }

  isActive(nowMs: number): boolean {
    return this.lastPacketAtMs > 0 && nowMs - this.lastPacketAtMs < LAYER_INACTIVE_MS;
  }

  /** Reception statistics (RFC 3550 A.1, without probation). */
  updateSeq(seq: number): void {
    if (!this.started) {
      this.started = true;
      this.baseSeq = seq;
      this.maxSeq = seq;
      this.received = 1;
      return;
    }
    const d = seqDiff(seq, this.maxSeq);
    if (d > 0) {
      if (seq < this.maxSeq) this.cycles += 0x10000;
      this.maxSeq = seq;
    }
    this.received++;
  }

  /** Resets reception statistics (new SSRC). */
  resetReception(): void {
    this.started = false;
    this.cycles = 0;
    this.received = 0;
    this.expectedPrior = 0;
    this.receivedPrior = 0;
  }

  reportBlock(nowMs: number): ReportBlockInit | undefined {
    if (!this.started || this.ssrc === 0) return undefined;
    const extMax = this.cycles + this.maxSeq;
    const expected = extMax - this.baseSeq + 1;
    const lost = expected - this.received;
    const expectedInterval = expected - this.expectedPrior;
    const receivedInterval = this.received - this.receivedPrior;
    this.expectedPrior = expected;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    const fraction = expectedInterval > 0 && lostInterval > 0 ? lostInterval / expectedInterval : 0;
    return {
      ssrc: this.ssrc,
      fractionLost: fraction,
      cumulativeLost: lost,
      highestSeq: extMax >>> 0,
      jitter: 0,
      lastSr: this.lastSrNtpMiddle,
      delaySinceLastSr: this.lastSrAtMs > 0 ? Math.floor(((nowMs - this.lastSrAtMs) / 1000) * 65536) : 0,
    };
  }

  /** Updates the measured bitrate; call periodically. */
  tick(nowMs: number): void {
    if (this.tickAtMs > 0 && nowMs > this.tickAtMs) {
      const bps = ((this.bytes - this.bytesAtTick) * 8 * 1000) / (nowMs - this.tickAtMs);
      this.bitrate = this.bitrate === 0 ? bps : this.bitrate * 0.6 + bps * 0.4;
      if (!this.isActive(nowMs)) this.bitrate = 0;
    }
    this.bytesAtTick = this.bytes;
    this.tickAtMs = nowMs;
  }

  addReceiver(dt: DownTrack): void {
    if (!this.receivers.includes(dt)) this.receivers = [...this.receivers, dt];
  }

  removeReceiver(dt: DownTrack): void {
    if (this.receivers.includes(dt)) this.receivers = this.receivers.filter((d) => d !== dt);
  }

  close(): void {
    this.cache.clear();
    this.receivers = [];
  }
}
