/**
 * One m-line of a subscriber connection. Slots are reused: when a subscription ends, the m-line
 * is offered as `inactive`; once the browser has answered that, the next subscription of the
 * same kind takes it over (`sendonly` again, new msid) instead of growing the SDP.
 *
 * libdatachannel describes the m-line once, as sendonly with the slot's SSRC; the direction and
 * msid the browser sees are written into each offer by {@link SubscriberSlot.applyToOffer}.
 * (Re-describing a mid through another addTrack call would create a second Track object for the
 * same track, which node-datachannel cannot release safely.) The slot keeps one SSRC and one
 * {@link StreamRewriter} for its whole life, so the browser's receiver sees one continuous
 * stream whatever is forwarded into it.
 */
import nodeDataChannel, { type Track } from 'node-datachannel';
import type { MediaDescription } from 'sdp-transform';
import type { SfuContext } from './context.js';
import type { DownTrack } from './downtrack.js';
import { CODEC, SUBSCRIBER_EXTENSIONS, SUBSCRIBER_PT } from './extensions.js';
import type { Peer } from './peer.js';
import { StreamRewriter } from './rtp/stream-rewriter.js';
import { msidToken } from './sdp.js';
import type { MediaKind } from './types.js';

export class SubscriberSlot {
  readonly rewriter: StreamRewriter;
  /** Subscription forwarded into this m-line (undefined: free). */
  downtrack: DownTrack | undefined = undefined;
  /** The browser's answer has acknowledged the current assignment (or the inactive state). */
  negotiated = false;
  /** The assignment changed since the last offer. */
  dirty = true;
  /** DTLS is up and libdatachannel accepts packets on the track. */
  open = false;
  /** Set while an offer including this slot awaits its answer. */
  offeredWith: DownTrack | undefined | null = null;
  /** Header extensions the browser accepted for this m-line. */
  accepted: ReadonlySet<string> = new Set();
  /** The browser rejected the m-line: never reused. */
  rejected = false;
  /** Called when the track opens (the transport activates pending subscriptions). */
  onOpen: (() => void) | undefined = undefined;
  private track: Track | undefined;

  constructor(
    private readonly ctx: SfuContext,
    peer: Peer,
    readonly mid: string,
    readonly kind: MediaKind,
    ssrc: number,
    cname: string,
    onRtcp: (slot: SubscriberSlot, packet: Buffer) => void,
  ) {
    this.rewriter = new StreamRewriter(ssrc, CODEC[kind].clockRate);
    const media = kind === 'video' ? new nodeDataChannel.Video(mid, 'SendOnly') : new nodeDataChannel.Audio(mid, 'SendOnly');
    if (kind === 'video') {
      (media as InstanceType<typeof nodeDataChannel.Video>).addVP8Codec(SUBSCRIBER_PT.video);
    } else {
      (media as InstanceType<typeof nodeDataChannel.Audio>).addOpusCodec(SUBSCRIBER_PT.audio, 'minptime=10;useinbandfec=1');
    }
    for (const { uri, id } of SUBSCRIBER_EXTENSIONS[kind]) media.parseSdpLine(`a=extmap:${id} ${uri}`);
    media.addSSRC(ssrc, cname, `slot-${mid}`, `slot-${mid}`);
    const track = peer.addTrack(media, () => {
      this.open = false;
    });
    this.track = track;
    track.onOpen(() => {
      this.open = true;
      this.onOpen?.();
    });
    track.onMessage((msg) => onRtcp(this, msg));
  }

  get ssrc(): number {
    return this.rewriter.ssrc;
  }

  /** Free and the browser knows it is inactive: can take a new subscription. */
  get reusable(): boolean {
    return this.downtrack === undefined && this.negotiated && !this.dirty && !this.rejected;
  }

  /** Writes this slot's direction and msid into its m-line of an outgoing offer. */
  applyToOffer(media: MediaDescription): void {
    const dt = this.downtrack;
    if (dt) {
      const stream = msidToken(dt.source.streamKey || dt.source.endpointId);
      const track = msidToken(dt.source.trackId);
      media.direction = 'sendonly';
      media.msid = [{ id: stream, appdata: track }];
      media.ssrcs = (media.ssrcs ?? []).map((s) => (s.attribute === 'msid' ? { ...s, value: `${stream} ${track}` } : s));
    } else {
      media.direction = 'inactive';
      delete media.msid;
      media.ssrcs = (media.ssrcs ?? []).filter((s) => s.attribute !== 'msid');
    }
  }

  send(packet: Buffer): boolean {
    const t = this.track;
    if (t === undefined || !this.open) return false;
    try {
      return t.sendMessageBinary(packet);
    } catch (err) {
      this.open = false;
      this.ctx.logger.debug({ err, mid: this.mid }, 'sfu send failed; slot closed');
      return false;
    }
  }

  close(): void {
    this.open = false;
    this.downtrack = undefined;
    this.track = undefined;
    this.onOpen = undefined;
  }
}
