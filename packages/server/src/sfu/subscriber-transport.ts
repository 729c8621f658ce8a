/**
 * The subscriber connection of an endpoint: the SFU offers, the browser answers.
 *
 * Negotiation is a two-state machine (stable / have-local-offer). Changes to subscriptions mark
 * slots dirty and schedule an offer on the next turn of the event loop, so a burst of
 * subscribe/unsubscribe calls yields one offer; changes made while an offer is out wait for its
 * answer and go into the next offer. The browser never offers on this connection, so there is
 * no glare.
 */
import type { SfuContext } from './context.js';
import type { DownTrack } from './downtrack.js';
import { conflict, invalid, SfuError } from './errors.js';
import { DownlinkEstimator } from './layer-selection.js';
import { Peer } from './peer.js';
import { forEachNackedSeq, parseRtcp, type ReportBlock, type RtcpVisitor } from './rtp/rtcp.js';
import { isRtcp } from './rtp/rtp-packet.js';
import { finalizeSubscriberOffer, hostCandidate, parseSubscriberAnswer } from './sdp.js';
import { SubscriberSlot } from './subscriber-slot.js';
import type { IceState, MediaKind, SubscriberTrackDescription } from './types.js';

export interface SubscriberTransportHooks {
  offer(offer: { sdp: string; tracks: SubscriberTrackDescription[] }): void;
  /** The SFU's ICE candidate, to add to the browser's subscriber connection. */
  candidate(candidate: string, sdpMid: string): void;
  iceState(state: IceState): void;
  /** The connection failed or the browser closed it. */
  lost(): void;
  /** The browser rejected the m-line of this subscription. */
  rejected(dt: DownTrack): void;
}

const CNAME = 'confab-sfu';

export class SubscriberTransport implements RtcpVisitor {
  readonly peer: Peer;
  readonly estimator = new DownlinkEstimator();
  readonly slots: SubscriberSlot[] = [];
  private state: 'stable' | 'have-local-offer' = 'stable';
  private pending: { sdp: string; tracks: SubscriberTrackDescription[] } | undefined;
  private needsOffer = false;
  private scheduled: NodeJS.Immediate | undefined;
  private closed = false;
  private rtcpSlot: SubscriberSlot | undefined;
  private readonly usedSsrcs = new Set<number>();
  private sentOctets = 0;
  private readonly sessionId = String(Math.floor(Math.random() * 1e15));
  private sessionVersion = 0;
  private candidateSent = false;
  private sentAtMs = 0;
  sentBitrate = 0;

  constructor(
    private readonly ctx: SfuContext,
    readonly endpointId: string,
    private readonly hooks: SubscriberTransportHooks,
  ) {
    this.peer = new Peer(ctx, `sub:${endpointId}`, (s) => hooks.iceState(s), () => hooks.lost());
  }

  get pendingOffer(): { sdp: string; tracks: SubscriberTrackDescription[] } | undefined {
    return this.pending;
  }

  /** A slot for a new subscription: a free negotiated one of that kind, else a new m-line. */
  acquireSlot(kind: MediaKind): SubscriberSlot {
    const free = this.slots.find((s) => s.kind === kind && s.reusable);
    if (free) return free;
    let ssrc = 0;
    while (ssrc === 0 || this.usedSsrcs.has(ssrc)) ssrc = (Math.random() * 0xfffffffe + 1) >>> 0;
    this.usedSsrcs.add(ssrc);
    const slot = new SubscriberSlot(this.ctx, this.peer, String(this.slots.length), kind, ssrc, CNAME, (s, p) => this.onSlotPacket(s, p));
    slot.onOpen = () => this.activateReady();
    this.slots.push(slot);
    return slot;
  }

  /** Puts a subscription into a slot from {@link acquireSlot}; renegotiates. */
  assign(slot: SubscriberSlot, dt: DownTrack): void {
    slot.downtrack = dt;
    slot.dirty = true;
    slot.negotiated = false;
    this.requestNegotiation();
  }

  releaseSlot(slot: SubscriberSlot): void {
    if (slot.downtrack === undefined) return;
    slot.downtrack = undefined;
    slot.dirty = true;
    slot.negotiated = false;
    this.requestNegotiation();
  }

  requestNegotiation(): void {
    if (this.closed) return;
    this.needsOffer = true;
    if (this.state !== 'stable' || this.scheduled) return;
    this.ctx.counters.timers++;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.ctx.counters.timers--;
      this.negotiate();
    });
  }

  private negotiate(): void {
    if (this.closed || this.state !== 'stable' || !this.needsOffer) return;
    this.needsOffer = false;
    const tracks: SubscriberTrackDescription[] = [];
    const byMid = new Map<string, SubscriberSlot>();
    for (const slot of this.slots) {
      byMid.set(slot.mid, slot);
      slot.dirty = false;
      slot.offeredWith = slot.downtrack;
      const dt = slot.downtrack;
      if (dt) tracks.push({ mid: slot.mid, trackId: dt.source.trackId, streamKey: dt.source.streamKey, kind: slot.kind });
    }
    if (this.slots.length === 0) return;
    let sdp: string;
    try {
      this.peer.pc.setLocalDescription('offer');
      const local = this.peer.pc.localDescription();
      if (!local) throw new Error('no local description');
      const o = this.ctx.options;
      sdp = finalizeSubscriberOffer(local.sdp, o.announcedAddress, o.announcedPort, { sessionId: this.sessionId, version: ++this.sessionVersion }, (media) => {
        const slot = media.mid === undefined ? undefined : byMid.get(String(media.mid));
        slot?.applyToOffer(media);
      });
    } catch (err) {
      this.ctx.logger.error({ err, endpointId: this.endpointId }, 'sfu could not create subscriber offer');
      return;
    }
    this.state = 'have-local-offer';
    this.pending = { sdp, tracks };
    this.ctx.counters.renegotiations++;
    this.hooks.offer(this.pending);
  }

  setAnswer(sdp: string): void {
    if (this.closed) throw new SfuError('UNAVAILABLE', 'the subscriber connection is closed');
    if (this.state !== 'have-local-offer') throw conflict('no subscriber offer is awaiting an answer');
    const answered = parseSubscriberAnswer(sdp);
    try {
      this.peer.pc.setRemoteDescription(sdp, 'answer');
    } catch (err) {
      throw invalid(`the subscriber answer was refused: ${(err as Error).message}`, err);
    }
    this.state = 'stable';
    this.pending = undefined;
    if (!this.candidateSent && this.slots[0]) {
      // Only now that libdatachannel holds the whole answer may the browser start ICE: with
      // the candidate in the offer, its early checks let ICE and DTLS complete inside
      // setRemoteDescription, before the remote fingerprint is stored, and the DTLS handshake
      // fails (measured on loopback: about 1 negotiation in 20).
      this.candidateSent = true;
      const o = this.ctx.options;
      [o.announcedAddress, ...o.extraAddresses].forEach((address, i) => this.hooks.candidate(hostCandidate(address, o.announcedPort, i), this.slots[0]!.mid));
    }
    for (const slot of this.slots) {
      const offered = slot.offeredWith;
      slot.offeredWith = null;
      if (offered === null || offered !== slot.downtrack || slot.dirty) continue;
      const a = answered.get(slot.mid);
      if (!a || a.rejected) {
        slot.negotiated = false;
        slot.dirty = false;
        slot.rejected = true;
        if (offered) this.hooks.rejected(offered);
        continue;
      }
      slot.negotiated = true;
      slot.accepted = a.extensions;
    }
    this.activateReady();
    if (this.needsOffer) this.requestNegotiation();
  }

  /** Starts forwarding every subscription whose m-line is negotiated and open. */
  private activateReady(): void {
    for (const slot of this.slots) {
      const dt = slot.downtrack;
      if (dt && slot.negotiated && slot.open && !dt.isReady) dt.activate(slot.accepted);
    }
  }

  addRemoteCandidate(candidate: string, mid: string | undefined): void {
    this.peer.addRemoteCandidate(candidate, mid ?? this.slots[0]?.mid ?? '0');
  }

  private onSlotPacket(slot: SubscriberSlot, packet: Buffer): void {
    if (this.closed || !isRtcp(packet)) return;
    this.ctx.counters.rtcpPacketsReceived++;
    this.rtcpSlot = slot;
    if (!parseRtcp(packet, this)) this.ctx.counters.malformedPackets++;
    this.rtcpSlot = undefined;
  }

  // RtcpVisitor: a compound packet is delivered to every slot whose SSRC it names; each slot only
  // takes the parts about its own SSRC.
  pli(_sender: number, media: number): void {
    const slot = this.rtcpSlot;
    if (!slot || media !== slot.ssrc) return;
    this.ctx.counters.plisReceived++;
    slot.downtrack?.requestKeyframe();
  }

  fir(_sender: number, media: number): void {
    const slot = this.rtcpSlot;
    if (!slot || media !== slot.ssrc) return;
    this.ctx.counters.firsReceived++;
    slot.downtrack?.requestKeyframe();
  }

  nack(_sender: number, media: number, pid: number, blp: number): void {
    const slot = this.rtcpSlot;
    if (!slot || media !== slot.ssrc) return;
    const dt = slot.downtrack;
    this.ctx.counters.nacksReceived++;
    if (dt) forEachNackedSeq(pid, blp, (seq) => dt.retransmit(seq));
  }

  reportBlock(_reporter: number, block: ReportBlock): void {
    const slot = this.rtcpSlot;
    if (!slot || block.ssrc !== slot.ssrc || !slot.downtrack) return;
    if (slot.kind === 'video') this.estimator.onLoss(block.fractionLost, Date.now());
  }

  remb(_sender: number, bitrate: number, ssrcs: number[]): void {
    const slot = this.rtcpSlot;
    if (!slot || (ssrcs.length > 0 && ssrcs[0] !== slot.ssrc)) return;
    this.ctx.counters.rembsReceived++;
    this.estimator.onRemb(bitrate, Date.now());
  }

  /** Measures what is sent and returns the downlink budget (bit/s). */
  updateBudget(nowMs: number): number {
    let octets = 0;
    for (const slot of this.slots) octets += slot.rewriter.octetsSent;
    if (this.sentAtMs > 0 && nowMs > this.sentAtMs) {
      const bps = ((octets - this.sentOctets) * 8 * 1000) / (nowMs - this.sentAtMs);
      this.sentBitrate = this.sentBitrate * 0.5 + bps * 0.5;
    }
    this.sentOctets = octets;
    this.sentAtMs = nowMs;
    return this.estimator.update(nowMs, this.sentBitrate);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.scheduled) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
      this.ctx.counters.timers--;
    }
    for (const slot of this.slots) slot.close();
    this.slots.length = 0;
    this.pending = undefined;
    this.peer.close();
  }
}
