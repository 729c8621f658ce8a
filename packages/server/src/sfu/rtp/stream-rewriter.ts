/**
 * Output-stream continuity for one forwarded stream (one subscriber m-line).
 *
 * The subscriber sees one SSRC whose sequence numbers, timestamps and VP8 PictureID/TL0PICIDX
 * advance smoothly even when the forwarded input changes: another simulcast layer, or another
 * published track reusing the same m-line. Each change starts an "epoch" at the first packet of
 * the new input (a key frame for video): offsets are chosen so that this packet follows the last
 * one sent, and packets older than it are dropped.
 *
 * A small history maps recent output sequence numbers back to (epoch, input sequence number), so
 * NACKs can be answered from the input's packet cache.
 */
import { seqDiff, tsDiff } from './rtp-packet.js';

/** What an epoch forwards from; the rewriter only stores it for NACK lookups. */
export interface EpochSource {
  readonly id: number;
}

export class Epoch {
  id = -1;
  source: EpochSource | undefined = undefined;
  layer = 0;
  seqOffset = 0;
  tsOffset = 0;
  pidOffset = 0;
  tl0Offset = 0;
  startSeq = 0;
}

const EPOCHS = 8;
const HISTORY = 1024;

export class StreamRewriter {
  lastSeq = 0;
  lastTs = 0;
  lastSentAtMs = 0;
  lastPid = -1;
  lastTl0 = -1;
  packetsSent = 0;
  octetsSent = 0;
  private started = false;
  private epochCount = 0;
  private readonly epochs: Epoch[] = Array.from({ length: EPOCHS }, () => new Epoch());
  private cur: Epoch | undefined;
  private readonly histEpoch = new Int32Array(HISTORY).fill(-1);
  private readonly histSeq = new Int32Array(HISTORY).fill(-1);

  constructor(
    readonly ssrc: number,
    readonly clockRate: number,
    initialSeq = Math.floor(Math.random() * 0x8000),
    initialTs = Math.floor(Math.random() * 0x7fffffff),
  ) {
    this.lastSeq = (initialSeq - 1) & 0xffff;
    this.lastTs = initialTs >>> 0;
  }

  get current(): Epoch | undefined {
    return this.cur;
  }

  /**
   * Starts a new epoch at an input packet. `pid`/`tl0` are the VP8 PictureID and TL0PICIDX of
   * that packet (-1 when absent or not VP8).
   */
  startEpoch(source: EpochSource, layer: number, inSeq: number, inTs: number, pid: number, tl0: number, nowMs: number): Epoch {
    const e = this.epochs[this.epochCount % EPOCHS]!;
    e.id = this.epochCount++;
    e.source = source;
    e.layer = layer;
    e.startSeq = inSeq & 0xffff;
    e.seqOffset = ((this.lastSeq + 1) - inSeq) & 0xffff;
    let gap = 1;
    if (this.started) {
      const elapsed = Math.max(0, nowMs - this.lastSentAtMs);
      gap = Math.max(1, Math.round((elapsed * this.clockRate) / 1000));
    }
    e.tsOffset = ((this.lastTs + gap) - inTs) >>> 0;
    e.pidOffset = pid >= 0 && this.lastPid >= 0 ? ((this.lastPid + 1) - pid) & 0x7fff : 0;
    e.tl0Offset = tl0 >= 0 && this.lastTl0 >= 0 ? ((this.lastTl0 + 1) - tl0) & 0xff : 0;
    this.cur = e;
    this.started = true;
    return e;
  }

  /** Ends forwarding from the current input (source gone); the next packet needs a new epoch. */
  endEpoch(): void {
    this.cur = undefined;
  }

  /**
   * Maps an input packet of the current epoch. Returns the output sequence number, or -1 when the
   * packet predates the epoch (drop it). Updates the stream's last seq/ts and the NACK history.
   */
  map(inSeq: number, inTs: number, nowMs: number): number {
    const e = this.cur;
    if (e === undefined || seqDiff(inSeq, e.startSeq) < 0) return -1;
    const out = (inSeq + e.seqOffset) & 0xffff;
    if (seqDiff(out, this.lastSeq) > 0) this.lastSeq = out;
    const ts = (inTs + e.tsOffset) >>> 0;
    if (tsDiff(ts, this.lastTs) >= 0) {
      this.lastTs = ts;
      this.lastSentAtMs = nowMs;
    }
    const h = out & (HISTORY - 1);
    this.histEpoch[h] = e.id;
    this.histSeq[h] = out;
    return out;
  }

  /** Output timestamp of an input timestamp in the current epoch. */
  mapTimestamp(inTs: number): number {
    return (inTs + (this.cur?.tsOffset ?? 0)) >>> 0;
  }

  /** Output PictureID for `pid` in the current epoch; tracks the last one sent. */
  mapPictureId(pid: number): number {
    const out = (pid + (this.cur?.pidOffset ?? 0)) & 0x7fff;
    if (this.lastPid < 0 || ((((out - this.lastPid) & 0x7fff) << 17) >> 17) > 0) this.lastPid = out;
    return out;
  }

  mapTl0PicIdx(tl0: number): number {
    const out = (tl0 + (this.cur?.tl0Offset ?? 0)) & 0xff;
    if (this.lastTl0 < 0 || ((((out - this.lastTl0) & 0xff) << 24) >> 24) > 0) this.lastTl0 = out;
    return out;
  }

  /**
   * For a NACKed output sequence number: the epoch it was sent in (offsets, source, layer), or
   * undefined when it is too old or was never sent.
   */
  lookup(outSeq: number): Epoch | undefined {
    const h = outSeq & (HISTORY - 1);
    if (this.histSeq[h] !== (outSeq & 0xffff)) return undefined;
    const id = this.histEpoch[h]!;
    if (id < 0 || this.epochCount - id > EPOCHS) return undefined;
    const e = this.epochs[id % EPOCHS]!;
    return e.id === id ? e : undefined;
  }
}
