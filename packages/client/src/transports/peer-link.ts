import type { IceServer, TrackKind } from '@confab/protocol';
import { debug } from '../log.js';
import { SerialQueue } from '../serial.js';
import type { PeerSignal } from './transport.js';

export interface PeerLinkOptions {
  remoteSessionId: string;
  /** The polite side yields on offer collisions; exactly one side of each pair is polite. */
  polite: boolean;
  iceServers: IceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  send: (signal: PeerSignal) => void;
  onStream: (stream: MediaStream) => void;
  onStreamRemoved: (streamId: string) => void;
  onState: (state: RTCPeerConnectionState) => void;
}

/**
 * One RTCPeerConnection to one remote participant, negotiated with the perfect-negotiation pattern:
 * either side may offer at any time; on collision the impolite side ignores the incoming offer and
 * the polite side rolls back. Remote candidates wait until the remote description is set.
 */
export class PeerLink {
  readonly pc: RTCPeerConnection;
  private readonly senders = new Map<TrackKind, RTCRtpSender>();
  private readonly inbound = new SerialQueue();
  private readonly pendingCandidates: RTCIceCandidateInit[] = [];
  private makingOffer = false;
  private ignoreOffer = false;
  private settingRemoteAnswer = false;
  private closed = false;

  constructor(private readonly opts: PeerLinkOptions) {
    const config: RTCConfiguration = { iceServers: opts.iceServers as RTCIceServer[], bundlePolicy: 'max-bundle' };
    if (opts.iceTransportPolicy) config.iceTransportPolicy = opts.iceTransportPolicy;
    const pc = new RTCPeerConnection(config);
    this.pc = pc;
    pc.onnegotiationneeded = () => void this.offer();
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) opts.send({ candidate: candidate.toJSON() as PeerSignal['candidate'] });
    };
    pc.ontrack = ({ track, streams }) => {
      const stream = streams[0] ?? new MediaStream([track]);
      stream.onremovetrack = () => {
        if (stream.getTracks().length === 0) opts.onStreamRemoved(stream.id);
      };
      opts.onStream(stream);
    };
    pc.onconnectionstatechange = () => opts.onState(pc.connectionState);
  }

  private async offer(): Promise<void> {
    if (this.closed) return;
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      const d = this.pc.localDescription;
      if (d && !this.closed) this.opts.send({ description: { type: d.type, sdp: d.sdp } });
    } catch (error) {
      debug('p2p', 'offer failed', this.opts.remoteSessionId, error);
    } finally {
      this.makingOffer = false;
    }
  }

  /** Handles an offer, answer or candidate from the remote side, one at a time in arrival order. */
  handleSignal(signal: PeerSignal): Promise<void> {
    return this.inbound.run(() => this.applySignal(signal));
  }

  private async applySignal({ description, candidate }: PeerSignal): Promise<void> {
    if (this.closed) return;
    const pc = this.pc;
    if (description) {
      const readyForOffer = !this.makingOffer && (pc.signalingState === 'stable' || this.settingRemoteAnswer);
      const collision = description.type === 'offer' && !readyForOffer;
      this.ignoreOffer = !this.opts.polite && collision;
      if (this.ignoreOffer) {
        debug('p2p', 'ignoring colliding offer from', this.opts.remoteSessionId);
        return;
      }
      this.settingRemoteAnswer = description.type === 'answer';
      await pc.setRemoteDescription(description as RTCSessionDescriptionInit);
      this.settingRemoteAnswer = false;
      await this.flushCandidates();
      if (description.type === 'offer') {
        await pc.setLocalDescription();
        const d = pc.localDescription;
        if (d && !this.closed) this.opts.send({ description: { type: d.type, sdp: d.sdp } });
      }
      return;
    }
    if (candidate) {
      if (!pc.remoteDescription) {
        this.pendingCandidates.push(candidate as RTCIceCandidateInit);
        return;
      }
      await this.addCandidate(candidate as RTCIceCandidateInit);
    }
  }

  private async flushCandidates(): Promise<void> {
    const queued = this.pendingCandidates.splice(0);
    for (const c of queued) await this.addCandidate(c);
  }

  private async addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (error) {
      // Candidates of an offer we ignored fail to apply; that is expected.
      if (!this.ignoreOffer) debug('p2p', 'addIceCandidate failed', error);
    }
  }

  /** Sends `track` as `kind` (null stops sending; the transceiver stays for later). */
  async setTrack(kind: TrackKind, track: MediaStreamTrack | null, stream: MediaStream): Promise<void> {
    if (this.closed) return;
    const sender = this.senders.get(kind);
    if (sender) {
      await sender.replaceTrack(track);
      return;
    }
    if (track) this.senders.set(kind, this.pc.addTrack(track, stream));
  }

  /**
   * Makes this side the offerer of the first negotiation: it offers to receive audio and video
   * even when it sends neither, so the other side can answer with its tracks in one round trip.
   */
  initiate(): void {
    if (this.closed) return;
    for (const kind of ['audio', 'video'] as const) {
      const sending = this.pc.getTransceivers().some((t) => t.receiver.track.kind === kind);
      if (!sending) this.pc.addTransceiver(kind, { direction: 'recvonly' });
    }
  }

  restartIce(): void {
    if (!this.closed) this.pc.restartIce();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const pc = this.pc;
    pc.onnegotiationneeded = null;
    pc.onicecandidate = null;
    pc.ontrack = null;
    pc.onconnectionstatechange = null;
    for (const receiver of pc.getReceivers()) receiver.track.stop();
    pc.close();
    this.senders.clear();
    this.pendingCandidates.length = 0;
  }
}
