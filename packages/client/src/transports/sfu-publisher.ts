import type { TrackKind } from '@confab/protocol';
import { debug } from '../log.js';

/** Camera simulcast: quarter, half and full resolution (for 720p: 320x180, 640x360, 1280x720). */
export const SIMULCAST_ENCODINGS: RTCRtpEncodingParameters[] = [
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 1_700_000 },
];

export const PC_CONFIG: RTCConfiguration = { bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };

export interface PublisherSignal {
  publish(kind: TrackKind, offer: string): Promise<string>;
  candidate(kind: TrackKind, candidate: string, sdpMid: string | null): void;
}

/**
 * One published source on its own peer connection (the SFU answers an offer carrying exactly one
 * track; see docs/sfu.md). Muting replaces the track with nothing: no renegotiation.
 */
export class SfuPublisher {
  readonly pc: RTCPeerConnection;
  private sender: RTCRtpSender | null = null;
  private answered = false;
  private readonly early: RTCIceCandidate[] = [];
  private closed = false;

  constructor(
    readonly kind: TrackKind,
    private readonly signal: PublisherSignal,
    iceServers: RTCIceServer[],
  ) {
    this.pc = new RTCPeerConnection({ ...PC_CONFIG, iceServers });
    this.pc.onicecandidate = ({ candidate }) => {
      if (!candidate?.candidate) return;
      if (this.answered) this.signal.candidate(this.kind, candidate.candidate, candidate.sdpMid);
      else this.early.push(candidate);
    };
  }

  async start(track: MediaStreamTrack, stream: MediaStream): Promise<void> {
    const init: RTCRtpTransceiverInit = { direction: 'sendonly', streams: [stream] };
    if (this.kind === 'video') init.sendEncodings = SIMULCAST_ENCODINGS.map((e) => ({ ...e }));
    this.sender = this.pc.addTransceiver(track, init).sender;
    await this.pc.setLocalDescription(await this.pc.createOffer());
    const answer = await this.signal.publish(this.kind, this.pc.localDescription!.sdp);
    if (this.closed) return;
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
    this.answered = true;
    for (const c of this.early.splice(0)) this.signal.candidate(this.kind, c.candidate, c.sdpMid);
  }

  async replaceTrack(track: MediaStreamTrack | null): Promise<void> {
    await this.sender?.replaceTrack(track);
  }

  /** Dynacast: encode only the layers somebody receives. */
  async setActiveLayers(rids: string[]): Promise<void> {
    if (!this.sender || this.closed) return;
    const params = this.sender.getParameters();
    if (!params.encodings || params.encodings.length < 2) return;
    let changed = false;
    for (const enc of params.encodings) {
      // Keep the lowest layer on so a new subscriber always has something to start from.
      const active = rids.includes(enc.rid ?? '') || enc.rid === 'q';
      if (enc.active !== active) {
        enc.active = active;
        changed = true;
      }
    }
    if (changed) await this.sender.setParameters(params).catch((error) => debug('sfu', 'setParameters failed', error));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pc.onicecandidate = null;
    this.pc.close();
  }
}
