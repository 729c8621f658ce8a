/**
 * A synthetic Opus sender: one packet per 20 ms (50/s), 60-100 bytes of payload (about 32 kbit/s),
 * each with the RFC 6464 client-to-mixer audio level: talk spurts of 1-5 s at -25..-40 dBov
 * alternating with silence, the marker bit on the first packet of a spurt.
 */
import { buildSenderReport, ntpFromMs } from '../../../server/src/sfu/rtp/rtcp.js';
import { EXT, writeRtp } from './packets.js';
import type { SourceCounters } from './video-source.js';

export const AUDIO_PAYLOAD_TYPE = 111;
export const AUDIO_PTIME_MS = 20;
const CACHE_SIZE = 256;

export class AudioSource {
  readonly ssrc: number;
  readonly counters: SourceCounters = { packets: 0, bytes: 0, retransmitted: 0, keyframes: 0 };
  private seq: number;
  private readonly tsBase: number;
  private octets = 0;
  private speaking = false;
  private spurtEndsMs = 0;
  private readonly cache: (Buffer | undefined)[] = new Array(CACHE_SIZE);

  constructor(
    private readonly send: (packet: Buffer) => boolean,
    private readonly random: () => number = Math.random,
    private readonly startMs = performance.now(),
  ) {
    this.ssrc = (random() * 0xffffffff) >>> 0 || 1;
    this.seq = Math.floor(random() * 0x10000);
    this.tsBase = (random() * 0xffffffff) >>> 0;
  }

  /** Sends the packet captured at `atMs` (performance.now() time). */
  sendPacket(atMs: number): number {
    let marker = false;
    if (atMs >= this.spurtEndsMs) {
      this.speaking = !this.speaking;
      this.spurtEndsMs = atMs + 1000 + this.random() * 4000;
      marker = this.speaking;
    }
    const dBov = this.speaking ? 25 + Math.floor(this.random() * 16) : 70 + Math.floor(this.random() * 57);
    const { packet } = writeRtp({
      payloadType: AUDIO_PAYLOAD_TYPE,
      seq: this.seq,
      timestamp: (this.tsBase + Math.round((atMs - this.startMs) * 48)) >>> 0,
      ssrc: this.ssrc,
      marker,
      ext1: { id: EXT.audioLevel, data: (this.speaking ? 0x80 : 0) | dBov },
      payloadBytes: this.speaking ? 80 + Math.floor(this.random() * 21) : 60 + Math.floor(this.random() * 11),
    });
    this.cache[this.seq & (CACHE_SIZE - 1)] = packet;
    this.seq = (this.seq + 1) & 0xffff;
    if (!this.send(packet)) return 0;
    this.counters.packets++;
    this.counters.bytes += packet.length;
    this.octets += packet.length - 12;
    return 1;
  }

  retransmit(ssrc: number, seqs: number[]): number {
    if (ssrc !== this.ssrc) return 0;
    let n = 0;
    for (const s of seqs) {
      const p = this.cache[s & (CACHE_SIZE - 1)];
      if (p && p.readUInt16BE(2) === s && this.send(p)) n++;
    }
    this.counters.retransmitted += n;
    return n;
  }

  senderReports(nowMs: number): Buffer[] {
    if (this.counters.packets === 0) return [];
    const ntp = ntpFromMs(Date.now());
    const ts = (this.tsBase + Math.round((nowMs - this.startMs) * 48)) >>> 0;
    return [buildSenderReport(this.ssrc, ntp.sec, ntp.frac, ts, this.counters.packets, this.octets)];
  }
}
