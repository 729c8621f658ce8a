/**
 * One libdatachannel PeerConnection on the shared UDP port, and the Track objects it hands out.
 *
 * Two node-datachannel 0.33 hazards shape this class:
 * - a Track object that is garbage-collected stops delivering its callbacks silently, so every
 *   Track is held here;
 * - a Track object leaves node-datachannel's registry only in the cleanup step of its `onClosed`
 *   callback; one collected before that leaves a dangling pointer that crashes the process later
 *   (measured: SIGSEGV in nodeDataChannel.cleanup()). So every Track gets an onClosed handler and
 *   is released only once that handler has run. The `tracks` counter follows the same rule.
 */
import nodeDataChannel, { type Audio, type PeerConnection, type Track, type Video } from 'node-datachannel';
import type { SfuContext } from './context.js';
import type { IceState } from './types.js';

const ICE_STATES = new Set<string>(['new', 'checking', 'connected', 'completed', 'disconnected', 'failed', 'closed']);

export class Peer {
  readonly pc: PeerConnection;
  private readonly held = new Set<Track>();
  private closedFlag = false;

  /**
   * @param onIceState every ICE state change
   * @param onLost the connection is gone for good without us closing it: ICE or DTLS failed, or
   *   the peer closed it (DTLS close_notify). Called at most once.
   */
  constructor(
    private readonly ctx: SfuContext,
    name: string,
    onIceState: (state: IceState) => void,
    onLost: (why: 'failed' | 'closed') => void = () => {},
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
    let lost = false;
    this.pc.onStateChange((state) => {
      if (this.closedFlag || lost || (state !== 'failed' && state !== 'closed')) return;
      lost = true;
      onLost(state);
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Keeps a Track referenced (and counted) until its close has been fully processed. */
  hold(track: Track, onClosed?: () => void): Track {
    this.held.add(track);
    this.ctx.counters.tracks++;
    track.onClosed(() => {
      onClosed?.();
      if (this.held.delete(track)) this.ctx.counters.tracks--;
    });
    return track;
  }

  addTrack(media: Video | Audio, onClosed?: () => void): Track {
    return this.hold(this.pc.addTrack(media), onClosed);
  }

  addRemoteCandidate(candidate: string, mid: string): void {
    this.pc.addRemoteCandidate(candidate, mid);
  }

  /** Closes the tracks and the connection; the tracks are released as their close completes. */
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
    try {
      this.pc.close();
    } catch {
      // already closed
    }
    this.ctx.counters.peerConnections--;
  }
}
