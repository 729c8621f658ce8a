/**
 * One m-line of a subscriber connection. Slots are reused: when a subscription ends the m-line
 * is renegotiated to `inactive`, and once the browser has acknowledged that, the next
 * subscription of the same kind takes it over (new msid, `sendonly` again) instead of growing
 * the SDP. The slot keeps one SSRC and one {@link StreamRewriter} for its whole life, so the
 * browser's receiver sees one continuous stream whatever is forwarded into it.
 */
import nodeDataChannel, { type Track } from 'node-datachannel';
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
  /** The description changed since the last offer. */
  dirty = true;
  /** DTLS is up and libdatachannel accepts packets on the track. */
  open = false;
  /** Set while an offer including this slot awaits its answer. */
  offeredWith: DownTrack | undefined | null = null;
  /** Header extensions the browser accepted for this m-line. */
  accepted: ReadonlySet<string> = new Set();
  /** The browser rejected the m-line: never reused. */
  rejected = false;
  private track: Track | undefined;

  constructor(
    private readonly ctx: SfuContext,
    private readonly peer: Peer,
    readonly mid: string,
    readonly kind: MediaKind,
    ssrc: number,
    private readonly onRtcp: (slot: SubscriberSlot, packet: Buffer) => void,
  ) {
    this.rewriter = new StreamRewriter(ssrc, CODEC[kind].clockRate);
  }

  get ssrc(): number {
    return this.rewriter.ssrc;
  }

  /** Free and the browser knows it is inactive: can take a new subscription. */
  get reusable(): boolean {
    return this.downtrack === undefined && this.negotiated && !this.dirty && !this.rejected;
  }

  /** Writes the current assignment into libdatachannel's description of this m-line. */
  describe(cname: string): void {
    const dt = this.downtrack;
    const direction = dt ? 'SendOnly' : 'Inactive';
    const media = this.kind === 'video' ? new nodeDataChannel.Video(this.mid, direction) : new nodeDataChannel.Audio(this.mid, direction);
    if (this.kind === 'video') {
      (media as InstanceType<typeof nodeDataChannel.Video>).addVP8Codec(SUBSCRIBER_PT.video);
    } else {
      (media as InstanceType<typeof nodeDataChannel.Audio>).addOpusCodec(SUBSCRIBER_PT.audio, 'minptime=10;useinbandfec=1');
    }
    for (const { uri, id } of SUBSCRIBER_EXTENSIONS[this.kind]) media.parseSdpLine(`a=extmap:${id} ${uri}`);
    const streamId = dt ? msidToken(dt.source.streamKey || dt.source.endpointId) : '-';
    const trackId = dt ? msidToken(dt.source.trackId) : `inactive-${this.mid}`;
    media.addSSRC(this.ssrc, cname, streamId, trackId);
    const track = this.peer.addTrack(media);
    if (this.track === undefined) {
      // The first Track object stays the one we send and listen on; later addTrack calls for
      // the same mid re-describe the same underlying track and are only held by the peer.
      this.track = track;
      track.onOpen(() => {
        this.open = true;
        this.onOpenChange?.();
      });
      track.onClosed(() => {
        this.open = false;
      });
      track.onMessage((msg) => this.onRtcp(this, msg));
      this.open = track.isOpen();
    }
    this.dirty = false;
  }

  /** Called when the track opens (the transport activates pending subscriptions). */
  onOpenChange: (() => void) | undefined = undefined;

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
    this.onOpenChange = undefined;
  }
}
