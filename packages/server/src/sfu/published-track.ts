/**
 * A published track: the receiving end of one publisher peer connection. Every RTP packet of the
 * track goes through {@link PublishedTrack.onRtp}: parsed once, cached for NACKs, then handed to
 * the downtracks reading its layer. Also the RTCP towards the publisher: receiver reports, REMB,
 * key frame requests (at most one per second per layer) and NACKs for packets missing from cache.
 */
import type { SfuContext } from './context.js';
import type { DownTrack } from './downtrack.js';
import { EXT_AUDIO_LEVEL, EXT_RID, EXT_RRID } from './extensions.js';
import { AudioLevelMeter } from './rtp/audio-level.js';
import { buildNack, buildPli, buildReceiverReport, buildRemb, ntpMiddle, parseRtcp, type RtcpVisitor } from './rtp/rtcp.js';
import { findExtension, isRtcp, parseRtpHeader, readExtensionString, RtpHeader } from './rtp/rtp-packet.js';
import { parseVp8, Vp8Descriptor } from './rtp/vp8.js';
import { KEYFRAME_REQUEST_INTERVAL_MS, SourceLayer } from './source-layer.js';
import type { EpochSource } from './rtp/stream-rewriter.js';
import type { MediaKind, PublishedTrackInfo } from './types.js';

let nextSourceId = 1;

export interface PublishedTrackInit {
  trackId: string;
  endpointId: string;
  kind: MediaKind;
  streamKey: string;
  payloadType: number;
  clockRate: number;
  rids: string[];
  extensions: Map<string, number>;
  ssrcs: number[];
}

export class PublishedTrack implements EpochSource, RtcpVisitor {
  readonly id = nextSourceId++;
  readonly trackId: string;
  readonly endpointId: string;
  readonly kind: MediaKind;
  readonly streamKey: string;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly extensions: Map<string, number>;
  readonly layers: SourceLayer[];
  readonly simulcast: boolean;
  readonly meter: AudioLevelMeter | undefined;
  readonly downtracks = new Set<DownTrack>();
  paused = false;
  closed = false;
  /** Dynacast: rids last reported as needed (sorted key), to report changes only. */
  layersNeededKey: string | undefined = undefined;
  /** Sends an RTCP packet to the publisher; set by the publisher transport. */
  sendToPublisher: (packet: Buffer) => void = () => {};

  private readonly rtcpSsrc = (Math.random() * 0xffffffff) >>> 0;
  private readonly header = new RtpHeader();
  private readonly vp8 = new Vp8Descriptor();
  private readonly ridExtId: number;
  private readonly rridExtId: number;
  private readonly audioLevelExtId: number;
  private readonly signalledSsrcs: number[];
  private readonly pendingNacks: number[][];
  private lastRtcpAtMs = 0;

  constructor(
    private readonly ctx: SfuContext,
    init: PublishedTrackInit,
  ) {
    this.trackId = init.trackId;
    this.endpointId = init.endpointId;
    this.kind = init.kind;
    this.streamKey = init.streamKey;
    this.payloadType = init.payloadType;
    this.clockRate = init.clockRate;
    this.extensions = init.extensions;
    this.simulcast = init.rids.length > 0;
    const rids = this.simulcast ? init.rids : [''];
    const cacheSize = init.kind === 'video' ? ctx.options.packetCacheSize : 64;
    this.layers = rids.map((rid, i) => new SourceLayer(i, rid, cacheSize, ctx.counters));
    this.pendingNacks = this.layers.map(() => []);
    this.ridExtId = init.extensions.get(EXT_RID) ?? 0;
    this.rridExtId = init.extensions.get(EXT_RRID) ?? 0;
    this.audioLevelExtId = init.kind === 'audio' ? (init.extensions.get(EXT_AUDIO_LEVEL) ?? 0) : 0;
    this.meter = init.kind === 'audio' ? new AudioLevelMeter() : undefined;
    this.signalledSsrcs = init.ssrcs;
    ctx.counters.publishedTracks++;
  }

  info(): PublishedTrackInfo {
    return {
      trackId: this.trackId,
      endpointId: this.endpointId,
      kind: this.kind,
      streamKey: this.streamKey,
      rids: this.layers.map((l) => l.rid),
      paused: this.paused,
    };
  }

  /** Entry point of every packet the publisher's Track delivers (RTP or RTCP). */
  onPacket(buf: Buffer): void {
    if (this.closed) return;
    if (isRtcp(buf)) {
      this.ctx.counters.rtcpPacketsReceived++;
      if (!parseRtcp(buf, this)) this.ctx.counters.malformedPackets++;
      return;
    }
    this.onRtp(buf);
  }

  /** The hot path. */
  onRtp(buf: Buffer): void {
    const c = this.ctx.counters;
    const h = this.header;
    if (!parseRtpHeader(buf, h)) {
      c.malformedPackets++;
      c.droppedPackets++;
      return;
    }
    const ssrc = h.ssrc;
    const layers = this.layers;
    let layer: SourceLayer | undefined;
    for (let i = 0; i < layers.length; i++) {
      if (layers[i]!.ssrc === ssrc) {
        layer = layers[i];
        break;
      }
    }
    if (layer === undefined) {
      layer = this.learnSsrc(buf, h);
      if (layer === undefined) {
        c.unknownSsrcPackets++;
        c.droppedPackets++;
        return;
      }
    }
    const now = Date.now();
    layer.packets++;
    layer.bytes += h.length;
    layer.lastPacketAtMs = now;
    layer.updateSeq(h.sequenceNumber);
    if (h.payloadType !== this.payloadType) {
      c.droppedPackets++;
      return;
    }
    if (this.paused) {
      // Muted: nothing forwarded, and no audio level (a muted participant is not speaking).
      c.droppedPackets++;
      return;
    }
    if (this.meter !== undefined && this.audioLevelExtId > 0) {
      const found = findExtension(buf, h, this.audioLevelExtId);
      if (found >= 0) this.meter.add(buf[found >> 8]!);
    }
    layer.cache.put(h.sequenceNumber, buf);
    const vp8 = this.vp8;
    if (this.kind === 'video') {
      if (!parseVp8(buf, h.payloadOffset, h.payloadLength, vp8)) {
        if (h.payloadLength > 0) {
          c.malformedPackets++;
          c.droppedPackets++;
          return;
        }
      } else if (vp8.keyframe) {
        layer.lastKeyframeAtMs = now;
        if (vp8.width > 0) {
          layer.width = vp8.width;
          layer.height = vp8.height;
        }
      }
    }
    const receivers = layer.receivers;
    for (let i = 0; i < receivers.length; i++) receivers[i]!.forward(buf, h, vp8, layer, now);
  }

  /** First packet of an unknown SSRC: find its layer from the rid extension (simulcast) or adopt it. */
  private learnSsrc(buf: Buffer, h: RtpHeader): SourceLayer | undefined {
    if (this.rridExtId > 0 && findExtension(buf, h, this.rridExtId) >= 0) return undefined;
    let layer: SourceLayer | undefined;
    if (this.simulcast) {
      if (this.ridExtId === 0) return undefined;
      const rid = readExtensionString(buf, h, this.ridExtId);
      layer = rid === undefined ? undefined : this.layers.find((l) => l.rid === rid);
    } else {
      if (this.signalledSsrcs.length > 0 && !this.signalledSsrcs.includes(h.ssrc)) return undefined;
      layer = this.layers[0];
    }
    if (layer === undefined) return undefined;
    if (layer.ssrc !== 0) this.ctx.logger.debug({ trackId: this.trackId, rid: layer.rid, ssrc: h.ssrc }, 'sfu layer changed ssrc');
    layer.ssrc = h.ssrc;
    layer.generation++;
    layer.resetReception();
    layer.cache.clear();
    return layer;
  }

  // RTCP from the publisher (RtcpVisitor).
  senderReport(ssrc: number, ntpSec: number, ntpFrac: number, rtpTimestamp: number): void {
    const layer = this.layers.find((l) => l.ssrc === ssrc);
    if (!layer) return;
    layer.lastSrNtpMiddle = ntpMiddle(ntpSec, ntpFrac);
    layer.lastSrAtMs = Date.now();
    if (this.paused) return;
    for (const dt of layer.receivers) dt.onSenderReport(layer, ntpSec, ntpFrac, rtpTimestamp);
  }

  /**
   * Asks the publisher for a key frame on a layer, at most once per second per layer; a request
   * inside that second is remembered and sent when it ends.
   */
  requestKeyframe(layerIndex: number, nowMs: number): void {
    const layer = this.layers[layerIndex];
    if (!layer || this.kind !== 'video' || this.closed) return;
    if (nowMs - layer.lastKeyframeRequestAtMs < KEYFRAME_REQUEST_INTERVAL_MS) {
      layer.keyframePending = true; // sent by tick() once the interval has passed
      return;
    }
    layer.keyframePending = false;
    layer.lastKeyframeRequestAtMs = nowMs;
    if (layer.ssrc === 0) return; // nothing received yet: the encoder starts with a key frame anyway
    this.ctx.counters.plisSent++;
    this.sendToPublisher(buildPli(this.rtcpSsrc, layer.ssrc));
  }

  /** Queues a NACK to the publisher for a packet a subscriber lost that the cache no longer holds. */
  requestRetransmission(layerIndex: number, seq: number): void {
    const q = this.pendingNacks[layerIndex];
    if (q && q.length < 64 && !q.includes(seq)) q.push(seq);
  }

  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    for (const dt of this.downtracks) dt.resync();
  }

  /** Periodic work: bitrates, pending NACKs, and once a second RR + REMB to the publisher. */
  tick(nowMs: number): void {
    if (this.closed) return;
    for (const layer of this.layers) {
      layer.tick(nowMs);
      if (layer.keyframePending) this.requestKeyframe(layer.index, nowMs);
    }
    this.layers.forEach((layer, i) => {
      const q = this.pendingNacks[i]!;
      if (q.length > 0 && layer.ssrc !== 0) {
        this.ctx.counters.nacksSent++;
        this.sendToPublisher(buildNack(this.rtcpSsrc, layer.ssrc, q));
      }
      q.length = 0;
    });
    if (nowMs - this.lastRtcpAtMs < 1000) return;
    this.lastRtcpAtMs = nowMs;
    const blocks = [];
    for (const layer of this.layers) {
      const b = layer.reportBlock(nowMs);
      if (b) blocks.push(b);
    }
    if (blocks.length === 0) return;
    const rr = buildReceiverReport(this.rtcpSsrc, blocks);
    if (this.kind === 'video') {
      const remb = buildRemb(this.rtcpSsrc, this.ctx.options.publisherVideoBitrate, blocks.map((b) => b.ssrc));
      this.sendToPublisher(Buffer.concat([rr, remb]));
    } else {
      this.sendToPublisher(rr);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const layer of this.layers) layer.close();
    this.sendToPublisher = () => {};
    this.ctx.counters.publishedTracks--;
  }
}
