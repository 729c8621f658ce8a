/**
 * node-datachannel objects of the load tool, kept referenced until they are closed.
 *
 * node-datachannel drops a Track from its registry only when the Track's onClosed callback has
 * run; a Track garbage-collected before that crashes nodeDataChannel.cleanup() (DESIGN.md,
 * docs/sfu.md). So every Track and PeerConnection is retained here until closed, and
 * {@link shutdownRtc} waits for the Tracks before calling cleanup().
 */
import nodeDataChannel, { type PeerConnection, type Track } from 'node-datachannel';

const tracks = new Set<Track>();
const peers = new Set<PeerConnection>();
const trackClosed = new Set<() => void>();

/** A PeerConnection, retained until {@link closePeer}. */
export function newPeer(name: string, bindAddress: string | undefined): PeerConnection {
  const pc = new nodeDataChannel.PeerConnection(name, bindAddress ? { iceServers: [], bindAddress } : { iceServers: [] });
  peers.add(pc);
  return pc;
}

/** Keeps `track` referenced until its onClosed callback ran. */
export function retainTrack(track: Track, onClosed?: () => void): void {
  tracks.add(track);
  track.onClosed(() => {
    tracks.delete(track);
    onClosed?.();
    if (tracks.size === 0) for (const fn of [...trackClosed]) fn();
  });
}

export function closePeer(pc: PeerConnection, own: Iterable<Track>): void {
  for (const t of own) {
    try {
      t.close();
    } catch {
      // already closed
    }
  }
  try {
    pc.close();
  } catch {
    // already closed
  }
  peers.delete(pc);
}

export function openRtcObjects(): { peers: number; tracks: number } {
  return { peers: peers.size, tracks: tracks.size };
}

/**
 * Closes whatever is left, waits (bounded) for every Track's onClosed, then stops
 * libdatachannel's threads with cleanup().
 */
export async function shutdownRtc(timeoutMs = 5000): Promise<void> {
  for (const pc of [...peers]) closePeer(pc, []);
  if (tracks.size > 0) {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        trackClosed.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      trackClosed.add(done);
    });
  }
  nodeDataChannel.cleanup();
}
