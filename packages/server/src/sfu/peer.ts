/**
 * One libdatachannel PeerConnection on the shared UDP port, with every Track object it hands
 * out kept referenced until close (an unreferenced Track is garbage-collected and its callbacks
 * stop silently), and counted.
 */
import nodeDataChannel, { type Audio, type PeerConnection, type Track, type Video } from 'node-datachannel';
import type { SfuContext } from './context.js';
import type { IceState } from './types.js';

const ICE_STATES = new Set<string>(['new', 'checking', 'connected', 'completed', 'disconnected', 'failed', 'closed']);

export class Peer {
  readonly pc: PeerConnection;
  private readonly held: Track[] = [];
  private closedFlag = false;

  constructor(
    private readonly ctx: SfuContext,
    name: string,
    onIceState: (state: IceState) => void,
  ) {
    const o = ctx.options;
    this.pc = new nodeDataChannel.PeerConnection(name, {
      iceServers: [],
      enableIceUdpMux: true,
      portRangeBegin: o.udpPort,
      portRangeEnd: o.udpPort,
      bindAddress: o.bindAddress,
    });
    ctx.counters.peerConnections++;
    this.pc.onIceStateChange((state) => {
      if (this.closedFlag) return;
      if (ICE_STATES.has(state)) onIceState(state as IceState);
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Keeps a Track referenced (and counted) until close. */
  hold(track: Track): Track {
    this.held.push(track);
    this.ctx.counters.tracks++;
    return track;
  }

  addTrack(media: Video | Audio): Track {
    return this.hold(this.pc.addTrack(media));
  }

  addRemoteCandidate(candidate: string, mid: string): void {
    this.pc.addRemoteCandidate(candidate, mid);
  }

  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    for (const t of this.held) {
      try {
        t.close();
      } catch {
        // already closed
      }
    }
    this.ctx.counters.tracks -= this.held.length;
    this.held.length = 0;
    try {
      this.pc.close();
    } catch {
      // already closed
    }
    this.ctx.counters.peerConnections--;
  }
}
