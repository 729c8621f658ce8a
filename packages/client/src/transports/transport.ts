import type { IceCandidate, SessionDescription, TrackKind } from '@confab/protocol';
import type { Emitter } from '../emitter.js';

export interface PeerSignal {
  description?: SessionDescription;
  candidate?: IceCandidate | null;
}

export interface TransportEvents {
  /** A remote MediaStream of a participant started or got a new track; `kind` when the transport knows it. */
  'remote.stream': { sessionId: string; stream: MediaStream; kind?: TrackKind };
  /** A remote stream lost its last track. */
  'remote.stream.removed': { sessionId: string; streamId: string };
  /** The media connection state towards a participant (p2p) or the server (sfu). */
  'connection.state': { sessionId: string | null; state: RTCPeerConnectionState };
}

/** A peer connection the stats manager may read, and whose remote side it is. */
export interface StatsSource {
  /** The remote participant for p2p; null for a connection to the SFU. */
  sessionId: string | null;
  pc: RTCPeerConnection;
}

/**
 * How a call's media travels. The p2p mesh and the SFU implement it alike, so Call does not care
 * which one it has.
 */
export interface MediaTransport extends Pick<Emitter<TransportEvents>, 'on' | 'off'> {
  readonly mediaPath: 'p2p' | 'sfu';
  /** Publishes, replaces, or (null) stops sending a local source. The stream keeps its id throughout. */
  setLocalTrack(kind: TrackKind, track: MediaStreamTrack | null, stream: MediaStream): Promise<void>;
  /**
   * A remote participant is in the call. `initiate`: this side starts the media negotiation with
   * it (true for the participants a newcomer finds when joining).
   */
  addParticipant(sessionId: string, options?: { initiate?: boolean }): void;
  removeParticipant(sessionId: string): void;
  /** Signalling addressed to this transport, from a participant (p2p) or the server (sfu). */
  handleSignal(from: string, signal: PeerSignal): Promise<void>;
  /** Restarts ICE on every connection (recovery after a network change). */
  restartIce(): void;
  statsSources(): StatsSource[];
  /** Closes every peer connection and removes every listener. */
  close(): void;
}
