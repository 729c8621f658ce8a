import type { IceServer, TrackKind } from '@confab/protocol';
import { Emitter } from '../emitter.js';
import { PeerLink } from './peer-link.js';
import type { MediaTransport, PeerSignal, StatsSource, TransportEvents } from './transport.js';

export interface P2pTransportOptions {
  localSessionId: string;
  iceServers: IceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  sendSignal: (to: string, signal: PeerSignal) => void;
}

interface LocalSource {
  track: MediaStreamTrack | null;
  stream: MediaStream;
}

/**
 * Full mesh: one PeerLink per remote participant, every local source sent on each. The newcomer
 * offers to everyone already in the call; the others create their link when that offer arrives.
 * Renegotiations later (mute, screen share) may start on either side: perfect negotiation settles
 * collisions. Starting with one offerer per pair avoids the join-time collisions in which Chromium
 * sometimes stops gathering candidates after an implicit rollback (seen with four pages joining).
 */
export class P2pTransport extends Emitter<TransportEvents> implements MediaTransport {
  readonly mediaPath = 'p2p' as const;
  private readonly links = new Map<string, PeerLink>();
  private readonly sources = new Map<TrackKind, LocalSource>();
  private closed = false;

  constructor(private readonly opts: P2pTransportOptions) {
    super();
  }

  private link(sessionId: string): PeerLink {
    let link = this.links.get(sessionId);
    if (link) return link;
    link = new PeerLink({
      remoteSessionId: sessionId,
      // Deterministic on both sides: the smaller session id is polite.
      polite: this.opts.localSessionId < sessionId,
      iceServers: this.opts.iceServers,
      ...(this.opts.iceTransportPolicy ? { iceTransportPolicy: this.opts.iceTransportPolicy } : {}),
      send: (signal) => this.opts.sendSignal(sessionId, signal),
      onStream: (stream) => this.emit('remote.stream', { sessionId, stream }),
      onStreamRemoved: (streamId) => this.emit('remote.stream.removed', { sessionId, streamId }),
      onState: (state) => this.emit('connection.state', { sessionId, state }),
    });
    this.links.set(sessionId, link);
    for (const [kind, source] of this.sources) {
      if (source.track) void link.setTrack(kind, source.track, source.stream);
    }
    return link;
  }

  addParticipant(sessionId: string, options: { initiate?: boolean } = {}): void {
    if (this.closed || sessionId === this.opts.localSessionId || !options.initiate) return;
    this.link(sessionId).initiate();
  }

  removeParticipant(sessionId: string): void {
    this.links.get(sessionId)?.close();
    this.links.delete(sessionId);
  }

  async setLocalTrack(kind: TrackKind, track: MediaStreamTrack | null, stream: MediaStream): Promise<void> {
    if (this.closed) return;
    this.sources.set(kind, { track, stream });
    await Promise.all([...this.links.values()].map((link) => link.setTrack(kind, track, stream)));
  }

  async handleSignal(from: string, signal: PeerSignal): Promise<void> {
    if (this.closed || from === this.opts.localSessionId) return;
    await this.link(from).handleSignal(signal);
  }

  restartIce(): void {
    for (const link of this.links.values()) link.restartIce();
  }

  statsSources(): StatsSource[] {
    return [...this.links].map(([sessionId, link]) => ({ sessionId, pc: link.pc }));
  }

  get peerCount(): number {
    return this.links.size;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const link of this.links.values()) link.close();
    this.links.clear();
    this.sources.clear();
    this.removeAll();
  }
}
