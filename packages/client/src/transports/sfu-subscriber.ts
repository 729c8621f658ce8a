import type { TrackKind } from '@confab/protocol';
import { SerialQueue } from '../serial.js';
import { PC_CONFIG } from './sfu-publisher.js';

export interface SubscriberSignal {
  answer(sdp: string): Promise<void>;
  candidate(candidate: string, sdpMid: string | null): void;
}

export interface ForwardedTrack {
  mid: string;
  sessionId: string;
  kind: TrackKind;
}

/**
 * The peer connection on which the SFU sends what this participant subscribes to. The SFU offers
 * (each offer lists what its m-lines carry), this side answers; offers are applied in order.
 */
export class SfuSubscriber {
  readonly pc: RTCPeerConnection;
  private readonly queue = new SerialQueue();
  private mapping = new Map<string, ForwardedTrack>();
  private closed = false;

  constructor(
    private readonly signal: SubscriberSignal,
    iceServers: RTCIceServer[],
    onTrack: (track: MediaStreamTrack, info: ForwardedTrack) => void,
  ) {
    this.pc = new RTCPeerConnection({ ...PC_CONFIG, iceServers });
    this.pc.onicecandidate = ({ candidate }) => {
      if (candidate?.candidate) this.signal.candidate(candidate.candidate, candidate.sdpMid);
    };
    this.pc.ontrack = ({ transceiver, track }) => {
      const info = transceiver.mid ? this.mapping.get(transceiver.mid) : undefined;
      if (info) onTrack(track, info);
    };
  }

  handleOffer(sdp: string, tracks: ForwardedTrack[]): Promise<void> {
    return this.queue.run(async () => {
      if (this.closed) return;
      this.mapping = new Map(tracks.map((t) => [t.mid, t]));
      await this.pc.setRemoteDescription({ type: 'offer', sdp });
      await this.pc.setLocalDescription(await this.pc.createAnswer());
      await this.signal.answer(this.pc.localDescription!.sdp);
    });
  }

  addCandidate(candidate: string, sdpMid: string): Promise<void> {
    return this.queue.run(async () => {
      if (!this.closed) await this.pc.addIceCandidate({ candidate, sdpMid });
    });
  }

  /** The receiver now carrying a session's kind, if any. */
  receiverOf(sessionId: string, kind: TrackKind): RTCRtpReceiver | undefined {
    for (const t of this.pc.getTransceivers()) {
      const info = t.mid ? this.mapping.get(t.mid) : undefined;
      if (info?.sessionId === sessionId && info.kind === kind && t.currentDirection !== 'inactive') return t.receiver;
    }
    return undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pc.onicecandidate = null;
    this.pc.ontrack = null;
    for (const r of this.pc.getReceivers()) r.track.stop();
    this.pc.close();
  }
}
