/**
 * A synthetic VP8 simulcast encoder: three layers at 30 fps, frame sizes around the layer's
 * bitrate (±25%), a key frame every few seconds (about 5× a delta frame, the others shrunk to keep
 * the average), a key frame on the layer a PLI/FIR names, packets split evenly under 1200 bytes
 * (like libwebrtc), retransmissions answered from a cache of recent packets.
 */
import { buildSenderReport, ntpFromMs } from '../../../server/src/sfu/rtp/rtcp.js';
import { EXT, MAX_PACKET_BYTES, VP8_DESCRIPTOR_BYTES, VP8_KEYFRAME_HEADER_BYTES, writeRtp, writeVp8Descriptor } from './packets.js';

export const VIDEO_PAYLOAD_TYPE = 96;
export const FPS = 30;
export const KEYFRAME_INTERVAL_S = 4;
const KEYFRAME_FACTOR = 5;
const CACHE_SIZE = 512;
/** Bytes of header and extension in each video packet (12 + 8) plus the VP8 descriptor. */
const OVERHEAD = 12 + 8 + VP8_DESCRIPTOR_BYTES;
export const MAX_FRAME_DATA_PER_PACKET = MAX_PACKET_BYTES - OVERHEAD;

export interface LayerSpec {
  rid: string;
  width: number;
  height: number;
  kbps: number;
}

/** Chromium's camera simulcast for 1280×720 (SIMULCAST_ENCODINGS of the client SDK), scaled to the top layer's bitrate. */
export function simulcastLayers(topKbps: number): LayerSpec[] {
  return [
    { rid: 'q', width: 320, height: 180, kbps: (topKbps * 150) / 1700 },
    { rid: 'h', width: 640, height: 360, kbps: (topKbps * 500) / 1700 },
    { rid: 'f', width: 1280, height: 720, kbps: topKbps },
  ];
}

class Layer {
  seq: number;
  pictureId: number;
  tl0 = 0;
  framesSinceKey = 0;
  keyDue = true;
  active = true;
  packets = 0;
  octets = 0;
  keyframes = 0;
  readonly ridBytes: Buffer;
  readonly cache: (Buffer | undefined)[] = new Array(CACHE_SIZE);
  readonly avgFrameBytes: number;

  constructor(
    readonly spec: LayerSpec,
    readonly ssrc: number,
    random: () => number,
  ) {
    this.seq = Math.floor(random() * 0x10000);
    this.pictureId = Math.floor(random() * 0x8000);
    this.ridBytes = Buffer.from(spec.rid, 'ascii');
    this.avgFrameBytes = (spec.kbps * 1000) / 8 / FPS;
  }
}

export interface SourceCounters {
  packets: number;
  bytes: number;
  retransmitted: number;
  keyframes: number;
}

export class VideoSource {
  readonly layers: Layer[];
  readonly counters: SourceCounters = { packets: 0, bytes: 0, retransmitted: 0, keyframes: 0 };
  private readonly tsBase: number;

  constructor(
    specs: LayerSpec[],
    private readonly send: (packet: Buffer) => boolean,
    private readonly random: () => number = Math.random,
    private readonly startMs = performance.now(),
  ) {
    this.layers = specs.map((s) => new Layer(s, (random() * 0xffffffff) >>> 0 || 1, random));
    this.tsBase = (random() * 0xffffffff) >>> 0;
  }

  get ssrcs(): number[] {
    return this.layers.map((l) => l.ssrc);
  }

  /** Dynacast: encode only these rids (the lowest layer always stays on); a resumed layer starts with a key frame. */
  setActiveLayers(rids: string[]): void {
    this.layers.forEach((l, i) => {
      const active = i === 0 || rids.includes(l.spec.rid);
      if (active && !l.active) l.keyDue = true;
      l.active = active;
    });
  }

  /** A PLI or FIR for `ssrc`: the next frame of that layer is a key frame. */
  requestKeyframe(ssrc: number): void {
    for (const l of this.layers) if (l.ssrc === ssrc) l.keyDue = true;
  }

  /** Resends cached packets a NACK asked for; returns how many were found. */
  retransmit(ssrc: number, seqs: number[]): number {
    const l = this.layers.find((x) => x.ssrc === ssrc);
    if (!l) return 0;
    let n = 0;
    for (const s of seqs) {
      const p = l.cache[s & (CACHE_SIZE - 1)];
      if (p && p.readUInt16BE(2) === s && this.send(p)) n++;
    }
    this.counters.retransmitted += n;
    return n;
  }

  private frameBytes(l: Layer, key: boolean): number {
    const k = KEYFRAME_INTERVAL_S * FPS;
    const mean = key ? l.avgFrameBytes * KEYFRAME_FACTOR : (l.avgFrameBytes * (k - KEYFRAME_FACTOR)) / (k - 1);
    return Math.max(VP8_KEYFRAME_HEADER_BYTES + 1, Math.round(mean * (0.75 + this.random() * 0.5)));
  }

  /** Encodes and sends one frame (captured at `atMs`, performance.now() time) on every active layer. */
  sendFrame(atMs: number): number {
    const ts = (this.tsBase + Math.round(((atMs - this.startMs) * 90_000) / 1000)) >>> 0;
    let sent = 0;
    for (const l of this.layers) {
      if (!l.active) continue;
      const key = l.keyDue || l.framesSinceKey >= KEYFRAME_INTERVAL_S * FPS;
      l.keyDue = false;
      l.framesSinceKey = key ? 1 : l.framesSinceKey + 1;
      if (key) {
        l.keyframes++;
        this.counters.keyframes++;
      }
      l.pictureId = (l.pictureId + 1) & 0x7fff;
      l.tl0 = (l.tl0 + 1) & 0xff;
      const size = this.frameBytes(l, key);
      const count = Math.ceil(size / MAX_FRAME_DATA_PER_PACKET);
      const per = Math.ceil(size / count);
      for (let i = 0; i < count; i++) {
        const data = Math.min(per, size - per * i);
        const { packet, payloadOffset } = writeRtp({
          payloadType: VIDEO_PAYLOAD_TYPE,
          seq: l.seq,
          timestamp: ts,
          ssrc: l.ssrc,
          marker: i === count - 1,
          ext1: { id: EXT.rid, data: l.ridBytes },
          payloadBytes: VP8_DESCRIPTOR_BYTES + Math.max(data, i === 0 ? VP8_KEYFRAME_HEADER_BYTES : 1),
        });
        writeVp8Descriptor(packet, payloadOffset, { frameStart: i === 0, keyframe: key, pictureId: l.pictureId, tl0PicIdx: l.tl0, width: l.spec.width, height: l.spec.height });
        l.cache[l.seq & (CACHE_SIZE - 1)] = packet;
        l.seq = (l.seq + 1) & 0xffff;
        if (this.send(packet)) {
          sent++;
          l.packets++;
          l.octets += packet.length - 12;
          this.counters.bytes += packet.length;
        }
      }
    }
    this.counters.packets += sent;
    return sent;
  }

  /** Sender reports of the active layers (once a second, like a browser). */
  senderReports(nowMs: number): Buffer[] {
    const ntp = ntpFromMs(Date.now());
    const ts = (this.tsBase + Math.round(((nowMs - this.startMs) * 90_000) / 1000)) >>> 0;
    return this.layers.filter((l) => l.packets > 0).map((l) => buildSenderReport(l.ssrc, ntp.sec, ntp.frac, ts, l.packets, l.octets));
  }
}
