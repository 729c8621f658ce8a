/**
 * One subscription: forwards a published track into one m-line of a subscriber connection.
 *
 * Video: reads one simulcast layer at a time. A change of layer (or a restart after a pause)
 * happens only at the first packet of a key frame of the new layer; until then the old layer
 * keeps flowing. The slot's {@link StreamRewriter} keeps SSRC, sequence numbers, timestamps and
 * VP8 picture ids continuous across the change, payload types and header extension ids are
 * translated to what the subscriber negotiated.
 */
import type { SfuContext } from './context.js';
import { buildExtensionMap, SUBSCRIBER_PT } from './extensions.js';
import type { PublishedTrack } from './published-track.js';
import { buildSenderReport } from './rtp/rtcp.js';
import { parseRtpHeader, remapExtensions, RtpHeader, writeRtpHeaderFields } from './rtp/rtp-packet.js';
import { copyToScratch } from './rtp/scratch.js';
import { parseVp8, Vp8Descriptor, writeVp8PictureId, writeVp8Tl0PicIdx } from './rtp/vp8.js';
import type { SourceLayer } from './source-layer.js';
import type { SubscriberSlot } from './subscriber-slot.js';
import type { SubscriptionInfo, SubscriptionOptions } from './types.js';

export interface DownTrackHooks {
  layerSwitched(dt: DownTrack, layer: SourceLayer): void;
}

const rtxHeader = new RtpHeader();
const rtxVp8 = new Vp8Descriptor();

export class DownTrack {
  /** Layer wanted for the render size (ignores what flows). */
  desired: number;
  /** Layer to switch to (what flows and fits the budget). */
  target: number;
  /** Layer the allocation would give if every layer flowed (dynacast asks the publisher for it). */
  wanted: number;
  /** Layer being forwarded, -1 before the first key frame. */
  current = -1;
  options: SubscriptionOptions;
  closed = false;
  /** Negotiated and the slot's track is open: in the layers' receiver lists. */
  private ready = false;
  private needEpoch = true;
  private generation = -1;
  private extMap: Uint8Array = new Uint8Array(256);
  private readonly outPt: number;
  private readonly isVideo: boolean;
  private readonly memberOf = new Set<SourceLayer>();

  constructor(
    private readonly ctx: SfuContext,
    readonly source: PublishedTrack,
    readonly slot: SubscriberSlot,
    readonly endpointId: string,
    options: SubscriptionOptions,
    private readonly hooks: DownTrackHooks,
  ) {
    this.options = { ...options };
    this.isVideo = source.kind === 'video';
    this.outPt = SUBSCRIBER_PT[source.kind];
    this.desired = source.layers.length - 1;
    this.target = this.desired;
    this.wanted = this.desired;
    source.downtracks.add(this);
    ctx.counters.subscriptions++;
  }

  info(): SubscriptionInfo {
    const cur = this.current >= 0 ? this.source.layers[this.current] : undefined;
    return {
      endpointId: this.endpointId,
      trackId: this.source.trackId,
      streamKey: this.source.streamKey,
      kind: this.source.kind,
      mid: this.slot.mid,
      options: { ...this.options },
      currentRid: this.isVideo ? cur?.rid : undefined,
    };
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** The subscriber's answer covers this subscription and its track is open: start forwarding. */
  activate(acceptedExtensions: ReadonlySet<string>): void {
    if (this.closed || this.ready) return;
    this.extMap = buildExtensionMap(this.source.kind, this.source.extensions, acceptedExtensions);
    this.ready = true;
    this.needEpoch = true;
    this.updateMembership();
    this.source.requestKeyframe(this.target, Date.now());
  }

  setOptions(options: SubscriptionOptions): void {
    const wasPaused = this.options.paused === true;
    this.options = { ...options };
    if (wasPaused && !options.paused) this.resync();
    this.updateMembership();
  }

  setLayers(desired: number, target: number): void {
    this.desired = desired;
    if (target === this.target) return;
    this.target = target;
    this.updateMembership();
    if (this.ready && target !== this.current) this.source.requestKeyframe(target, Date.now());
  }

  /** After a gap (pause, publisher mute): restart at the next key frame with a new epoch. */
  resync(): void {
    this.needEpoch = true;
    if (this.ready && this.isVideo) this.source.requestKeyframe(this.target, Date.now());
  }

  /** Subscriber sent PLI or FIR. */
  requestKeyframe(): void {
    this.source.requestKeyframe(this.current >= 0 ? this.current : this.target, Date.now());
  }

  private updateMembership(): void {
    const want = new Set<SourceLayer>();
    if (this.ready && !this.closed && !this.options.paused) {
      const layers = this.source.layers;
      if (this.current >= 0 && layers[this.current]) want.add(layers[this.current]!);
      if (layers[this.target]) want.add(layers[this.target]!);
    }
    for (const l of this.memberOf) {
      if (!want.has(l)) {
        l.removeReceiver(this);
        this.memberOf.delete(l);
      }
    }
    for (const l of want) {
      if (!this.memberOf.has(l)) {
        l.addReceiver(this);
        this.memberOf.add(l);
      }
    }
  }

  /** Hot path: one packet of `layer`, header and VP8 descriptor already parsed. */
  forward(buf: Buffer, h: RtpHeader, vp8: Vp8Descriptor, layer: SourceLayer, now: number): void {
    const idx = layer.index;
    const rw = this.slot.rewriter;
    if (idx !== this.current || this.needEpoch || layer.generation !== this.generation) {
      if (idx !== this.target && idx !== this.current) return;
      if (this.isVideo && !vp8.keyframe) {
        // Waiting for a key frame of the target (or to restart): keep asking, at most 1/s.
        if (idx === this.target || this.needEpoch) this.source.requestKeyframe(this.target, now);
        return;
      }
      rw.startEpoch(this.source, idx, h.sequenceNumber, h.timestamp, vp8.pictureId, vp8.tl0PicIdx, now);
      this.needEpoch = false;
      this.generation = layer.generation;
      if (idx !== this.current) {
        this.current = idx;
        this.updateMembership();
        if (this.isVideo) this.hooks.layerSwitched(this, layer);
      }
    }
    const outSeq = rw.map(h.sequenceNumber, h.timestamp, now);
    if (outSeq < 0) return;
    this.send(buf, h, this.isVideo ? vp8 : undefined, outSeq, rw.mapTimestamp(h.timestamp), -1, -1);
  }

  private send(buf: Buffer, h: RtpHeader, vp8: Vp8Descriptor | undefined, seq: number, ts: number, pidOffset: number, tl0Offset: number): boolean {
    const slot = this.slot;
    if (!slot.open) return false;
    const out = copyToScratch(buf);
    if (out === undefined) return false;
    const rw = slot.rewriter;
    writeRtpHeaderFields(out, this.outPt, seq, ts, rw.ssrc);
    if (h.extensionForm !== 0) remapExtensions(out, h, this.extMap);
    if (vp8 !== undefined) {
      if (vp8.pictureId >= 0) {
        writeVp8PictureId(out, vp8, pidOffset < 0 ? rw.mapPictureId(vp8.pictureId) : (vp8.pictureId + pidOffset) & 0x7fff);
      }
      if (vp8.tl0PicIdx >= 0) {
        writeVp8Tl0PicIdx(out, vp8, tl0Offset < 0 ? rw.mapTl0PicIdx(vp8.tl0PicIdx) : (vp8.tl0PicIdx + tl0Offset) & 0xff);
      }
    }
    if (!slot.send(out)) return false;
    rw.packetsSent++;
    rw.octetsSent += h.payloadLength;
    const c = this.ctx.counters;
    c.forwardedPackets++;
    c.forwardedBytes += h.length;
    return true;
  }

  /** Subscriber NACKed output sequence number `outSeq`: resend it from the source's cache. */
  retransmit(outSeq: number): void {
    const e = this.slot.rewriter.lookup(outSeq);
    if (e === undefined || e.source !== this.source) return;
    const layer = this.source.layers[e.layer];
    if (!layer) return;
    const inSeq = (outSeq - e.seqOffset) & 0xffff;
    const pkt = layer.cache.get(inSeq);
    if (pkt === undefined) {
      this.source.requestRetransmission(e.layer, inSeq);
      return;
    }
    if (!parseRtpHeader(pkt, rtxHeader)) return;
    let vp8: Vp8Descriptor | undefined;
    if (this.isVideo) {
      parseVp8(pkt, rtxHeader.payloadOffset, rtxHeader.payloadLength, rtxVp8);
      vp8 = rtxVp8;
    }
    const ts = (rtxHeader.timestamp + e.tsOffset) >>> 0;
    if (this.send(pkt as Buffer, rtxHeader, vp8, outSeq, ts, e.pidOffset, e.tl0Offset)) {
      this.ctx.counters.retransmittedPackets++;
    }
  }

  /** Translates the publisher's sender report for the layer being forwarded (lip sync, RTT). */
  onSenderReport(layer: SourceLayer, ntpSec: number, ntpFrac: number, rtpTimestamp: number): void {
    if (!this.ready || this.needEpoch || layer.index !== this.current || !this.slot.open) return;
    const rw = this.slot.rewriter;
    this.slot.send(buildSenderReport(rw.ssrc, ntpSec, ntpFrac, rw.mapTimestamp(rtpTimestamp), rw.packetsSent, rw.octetsSent));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ready = false;
    this.updateMembership();
    this.slot.rewriter.endEpoch();
    this.source.downtracks.delete(this);
    this.ctx.counters.subscriptions--;
  }
}
