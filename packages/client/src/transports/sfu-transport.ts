import type { EventPayload, IceServer, RequestPayload, RequestResult, RequestType, TrackKind } from '@confab/protocol';
import { Emitter } from '../emitter.js';
import { debug } from '../log.js';
import { PathWatchdog } from './path-watchdog.js';
import { SfuPublisher } from './sfu-publisher.js';
import { SfuSubscriber, type ForwardedTrack } from './sfu-subscriber.js';
import type { MediaTransport, PeerSignal, StatsSource, TransportEvents } from './transport.js';

/** After a rebuild, how long to wait for a connection before rebuilding again. */
const REBUILD_RETRY_MS = 1500;

type Request = <T extends RequestType>(type: T, payload: RequestPayload<T>) => Promise<RequestResult<T>>;

export interface SfuTransportOptions {
  cid: string;
  iceServers: IceServer[];
  request: Request;
}

interface Source {
  track: MediaStreamTrack | null;
  stream: MediaStream;
}

/**
 * Media through Confab's SFU: a publisher peer connection per local source (camera simulcast in
 * three layers) and one subscriber peer connection for everything received. Remote media comes
 * as one MediaStream per participant and kind, kept across renegotiations and restarts.
 */
export class SfuTransport extends Emitter<TransportEvents> implements MediaTransport {
  readonly mediaPath = 'sfu' as const;
  private readonly publishers = new Map<TrackKind, SfuPublisher>();
  private readonly sources = new Map<TrackKind, Source>();
  private readonly remote = new Map<string, MediaStream>();
  private subscriber: SfuSubscriber;
  private restarting: Promise<void> | null = null;
  private readonly watchdog: PathWatchdog;
  /** The watchdog saw a path stop answering; cleared by the rebuild. */
  private stale = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(private readonly opts: SfuTransportOptions) {
    super();
    this.subscriber = this.newSubscriber();
    // A path that stopped answering is as good as failed: say so, and the call rebuilds it.
    this.watchdog = new PathWatchdog(
      () => [this.subscriber.pc, ...[...this.publishers.values()].map((p) => p.pc)],
      () => {
        this.stale = true;
        this.emit('connection.state', { sessionId: null, state: 'failed' });
      },
    );
  }

  private get iceServers(): RTCIceServer[] {
    return this.opts.iceServers as RTCIceServer[];
  }

  private newSubscriber(): SfuSubscriber {
    const { cid, request } = this.opts;
    const subscriber = new SfuSubscriber(
      {
        answer: async (sdp) => void (await request('sfu.answer', { cid, sdp })),
        candidate: (candidate, sdpMid) => void request('sfu.candidate', { cid, target: 'subscriber', candidate, sdpMid }).catch(() => undefined),
      },
      this.iceServers,
      (track, info) => this.onRemoteTrack(track, info),
    );
    subscriber.pc.onconnectionstatechange = () => {
      const state = subscriber.pc.connectionState;
      this.emit('connection.state', { sessionId: null, state });
    };
    return subscriber;
  }

  private newPublisher(kind: TrackKind): SfuPublisher {
    const { cid, request } = this.opts;
    const publisher = new SfuPublisher(
      kind,
      {
        publish: async (k, offer) => (await request('sfu.publish', { cid, kind: k, offer })).answer,
        candidate: (k, candidate, sdpMid) => void request('sfu.candidate', { cid, target: k, candidate, sdpMid }).catch(() => undefined),
      },
      this.iceServers,
    );
    publisher.pc.onconnectionstatechange = () => this.emit('connection.state', { sessionId: null, state: publisher.pc.connectionState });
    return publisher;
  }

  /**
   * One MediaStream per participant and kind. A new track (after a media restart, say) gets a new
   * stream object: a media element whose stream lost its only track has ended and would not play
   * the next one, so apps re-bind to the participant's new stream instead.
   */
  private onRemoteTrack(track: MediaStreamTrack, info: ForwardedTrack): void {
    const key = `${info.sessionId}:${info.kind}`;
    const old = this.remote.get(key);
    if (old?.getTracks().includes(track)) return;
    if (old) this.emit('remote.stream.removed', { sessionId: info.sessionId, streamId: old.id });
    const stream = new MediaStream([track]);
    this.remote.set(key, stream);
    this.emit('remote.stream', { sessionId: info.sessionId, stream, kind: info.kind });
  }

  async setLocalTrack(kind: TrackKind, track: MediaStreamTrack | null, stream: MediaStream): Promise<void> {
    if (this.closed) return;
    this.sources.set(kind, { track, stream });
    await this.restarting;
    const publisher = this.publishers.get(kind);
    if (publisher) return publisher.replaceTrack(track);
    if (!track) return;
    const created = this.newPublisher(kind);
    this.publishers.set(kind, created);
    await created.start(track, stream);
  }

  addParticipant(): void {
    // The SFU decides what flows; nothing to set up per participant.
  }

  removeParticipant(sessionId: string): void {
    for (const kind of ['audio', 'video', 'screen'] as const) this.dropRemote(sessionId, kind);
  }

  /** A subscription ended: its stream goes. */
  dropRemote(sessionId: string, kind: TrackKind): void {
    const key = `${sessionId}:${kind}`;
    const stream = this.remote.get(key);
    if (!stream) return;
    this.remote.delete(key);
    this.emit('remote.stream.removed', { sessionId, streamId: stream.id });
  }

  async handleSignal(_from: string, _signal: PeerSignal): Promise<void> {
    // p2p signalling does not apply to SFU calls.
  }

  /** SFU signalling from the server. */
  handleSfuEvent(name: 'sfu.offer' | 'sfu.candidate' | 'sfu.layers', payload: EventPayload<'sfu.offer'> | EventPayload<'sfu.candidate'> | EventPayload<'sfu.layers'>): void {
    if (this.closed) return;
    const fail = (error: unknown) => debug('sfu', `${name} failed`, error);
    if (name === 'sfu.offer') {
      const p = payload as EventPayload<'sfu.offer'>;
      this.subscriber.handleOffer(p.sdp, p.tracks).catch(fail);
    } else if (name === 'sfu.candidate') {
      const p = payload as EventPayload<'sfu.candidate'>;
      this.subscriber.addCandidate(p.candidate, p.sdpMid).catch(fail);
    } else {
      const p = payload as EventPayload<'sfu.layers'>;
      this.publishers.get(p.kind)?.setActiveLayers(p.rids).catch(fail);
    }
  }

  /** Whether media flows: every peer connection is connected. */
  get healthy(): boolean {
    return !this.stale && [this.subscriber.pc, ...[...this.publishers.values()].map((p) => p.pc)].every((pc) => pc.connectionState === 'connected');
  }

  /**
   * Recovers the media path (FAST): fresh peer connections under the same session, the same
   * sources published again; remote media comes back as new streams on the same participants.
   */
  restartIce(): void {
    if (this.closed || this.restarting) return;
    this.restarting = this.restart().finally(() => (this.restarting = null));
  }

  private async restart(): Promise<void> {
    this.stale = false;
    for (const p of this.publishers.values()) p.close();
    this.publishers.clear();
    this.subscriber.close();
    this.subscriber = this.newSubscriber();
    try {
      await this.opts.request('sfu.restart', { cid: this.opts.cid });
    } catch (error) {
      debug('sfu', 'restart refused', error);
      return;
    }
    for (const [kind, source] of this.sources) {
      if (!source.track || this.closed) continue;
      const publisher = this.newPublisher(kind);
      this.publishers.set(kind, publisher);
      await publisher.start(source.track, source.stream).catch((error) => debug('sfu', `republishing ${kind} failed`, error));
    }
    // While the path stays broken, rebuild again: fresh ICE checks find a restored path within a
    // few seconds, where checks of an old attempt back off for up to half a minute.
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.closed && this.subscriber.pc.connectionState !== 'connected') this.emit('connection.state', { sessionId: null, state: 'failed' });
    }, REBUILD_RETRY_MS);
  }

  receiverOf(sessionId: string, kind: TrackKind): RTCRtpReceiver | undefined {
    return this.subscriber.receiverOf(sessionId, kind);
  }

  statsSources(): StatsSource[] {
    return [{ sessionId: null, pc: this.subscriber.pc }, ...[...this.publishers.values()].map((p) => ({ sessionId: null, pc: p.pc }))];
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watchdog.stop();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const p of this.publishers.values()) p.close();
    this.publishers.clear();
    this.subscriber.close();
    this.remote.clear();
    this.sources.clear();
    this.removeAll();
  }
}
