import type { EventPayload, RequestResult, TrackKind } from '@confab/protocol';
import { debug } from '../log.js';
import type { MediaSourceManager } from '../media/media-source-manager.js';
import { StatsManager, type StatsReport } from '../stats/stats-manager.js';
import { P2pTransport } from '../transports/p2p-transport.js';
import { SfuTransport } from '../transports/sfu-transport.js';
import type { MediaTransport, PeerSignal } from '../transports/transport.js';
import type { CallHost } from './call-host.js';
import type { ParticipantStore } from './participants.js';
import { publishStateOf } from './publish-state.js';
import type { ConnectionQuality } from './types.js';

export interface CallMediaContext {
  cid: string;
  host: CallHost;
  participants: ParticipantStore;
  /** Microphone, camera, screen. */
  sources: MediaSourceManager[];
  /** Whether the call is joined and signalling is up (a broken SFU path may then be rebuilt). */
  canRecover: () => boolean;
}

/** How long an SFU connection may stay disconnected before its path is rebuilt. */
const SFU_DISCONNECTED_GRACE_MS = 2500;

const QUALITY_RANK: Record<ConnectionQuality, number> = { unknown: 0, excellent: 1, good: 2, poor: 3 };

/**
 * The media of a joined session: its transport (p2p mesh or SFU), local sources sent on it and the
 * server told what is published, remote streams into the participant store, and stats.
 */
export class CallMedia {
  private transport: MediaTransport | null = null;
  private readonly stats: StatsManager;
  private disconnectTimer: ReturnType<typeof setTimeout> | null = null;
  sessionId: string | null = null;

  constructor(private readonly ctx: CallMediaContext) {
    this.stats = new StatsManager(
      () => this.transport?.statsSources() ?? [],
      (report) => this.applyStats(report),
    );
  }

  get mediaPath(): 'p2p' | 'sfu' | null {
    return this.transport?.mediaPath ?? null;
  }

  private get sfu(): SfuTransport | null {
    return this.transport instanceof SfuTransport ? this.transport : null;
  }

  private sourceOf(kind: TrackKind): MediaSourceManager {
    return this.ctx.sources.find((s) => s.kind === kind)!;
  }

  /** Sets up the transport for a join (or rejoin) answer and sends every enabled source. */
  async start(result: RequestResult<'call.join'>): Promise<void> {
    const { cid, host, participants } = this.ctx;
    this.sessionId = result.sessionId;
    participants.localSessionId = result.sessionId;
    const transport: MediaTransport =
      result.mediaPath === 'sfu'
        ? new SfuTransport({ cid, iceServers: result.iceServers, request: (type, payload) => host.request(type, payload) })
        : new P2pTransport({
            localSessionId: result.sessionId,
            iceServers: result.iceServers,
            sendSignal: (to, signal) => {
              host.request('signal', { cid, to, ...signal }).catch((error) => debug('call', 'signal not delivered', error));
            },
          });
    this.transport = transport;
    if (transport.mediaPath === 'sfu') transport.on('connection.state', ({ state }) => this.watchSfuPath(transport, state));
    transport.on('remote.stream', ({ sessionId, stream, kind }) => participants.addRemoteStream(sessionId, stream, kind));
    transport.on('remote.stream.removed', ({ sessionId, streamId }) => participants.removeRemoteStream(sessionId, streamId));
    for (const p of result.participants) participants.upsert(p);
    this.refreshLocalStreams();
    for (const source of this.ctx.sources) {
      if (source.track) await transport.setLocalTrack(source.kind, source.track, source.stream);
    }
    for (const p of result.participants) transport.addParticipant(p.sessionId, { initiate: true });
    this.stats.start();
  }

  /**
   * The SFU path is rebuilt (FAST, same session) when a connection failed, or stayed disconnected
   * for SFU_DISCONNECTED_GRACE_MS (the SFU has no ICE restart, and its consent timeout is 30 s).
   */
  private watchSfuPath(transport: MediaTransport, state: RTCPeerConnectionState): void {
    if (state === 'connected' || state === 'closed') {
      if (this.disconnectTimer) clearTimeout(this.disconnectTimer);
      this.disconnectTimer = null;
      return;
    }
    const restart = () => {
      this.disconnectTimer = null;
      if (this.transport === transport && this.ctx.canRecover() && !(transport as SfuTransport).healthy) transport.restartIce();
    };
    if (state === 'failed') restart();
    else if (state === 'disconnected' && !this.disconnectTimer) this.disconnectTimer = setTimeout(restart, SFU_DISCONNECTED_GRACE_MS);
  }

  /** FAST resume: same session, same transport; p2p restarts ICE, the SFU path is rebuilt only if it broke. */
  resume(result: RequestResult<'call.join'>): void {
    for (const p of result.participants) this.ctx.participants.upsert(p);
    const sfu = this.sfu;
    if (!sfu || !sfu.healthy) this.transport?.restartIce();
  }

  /** The server says the media path broke. */
  recover(): void {
    this.transport?.restartIce();
  }

  stop(): void {
    if (this.disconnectTimer) clearTimeout(this.disconnectTimer);
    this.disconnectTimer = null;
    this.stats.stop();
    this.transport?.close();
    this.transport = null;
    this.sessionId = null;
    this.ctx.participants.clear();
  }

  addParticipant(sessionId: string): void {
    this.transport?.addParticipant(sessionId);
  }

  removeParticipant(sessionId: string): void {
    this.transport?.removeParticipant(sessionId);
  }

  handleSignal(from: string, signal: PeerSignal): void {
    this.transport?.handleSignal(from, signal).catch((error) => debug('call', 'signal failed', error));
  }

  handleSfuEvent<E extends 'sfu.offer' | 'sfu.candidate' | 'sfu.layers'>(name: E, payload: EventPayload<E>): void {
    this.sfu?.handleSfuEvent(name, payload);
  }

  /** A subscription ended (SFU): its stream goes. */
  dropRemote(sessionId: string, kind: TrackKind): void {
    this.sfu?.dropRemote(sessionId, kind);
  }

  refreshLocalStreams(): void {
    const [microphone, camera, screen] = (['audio', 'video', 'screen'] as const).map((k) => this.sourceOf(k));
    this.ctx.participants.setLocalStreams({
      audio: microphone!.enabled ? microphone!.stream : undefined,
      video: camera!.enabled || camera!.track ? camera!.stream : undefined,
      screen: screen!.track ? screen!.stream : undefined,
    });
  }

  /** A local source started, switched or stopped: send it, and tell the server what is published. */
  async onLocalTrack(kind: TrackKind, track: MediaStreamTrack | null): Promise<void> {
    const transport = this.transport;
    const source = this.sourceOf(kind);
    if (transport) {
      if (track) await this.publishState(source, track);
      await transport.setLocalTrack(kind, track, source.stream);
      if (!track) await this.publishState(source, null);
    }
    this.refreshLocalStreams();
  }

  private async publishState(changed: MediaSourceManager, track: MediaStreamTrack | null): Promise<void> {
    const state = publishStateOf(this.ctx.sources);
    // The changed source is not marked enabled yet while its track is being published.
    if (track && !state.publishedTracks.includes(changed.kind)) state.publishedTracks.push(changed.kind);
    if (!track) state.publishedTracks = state.publishedTracks.filter((k) => k !== changed.kind);
    await this.ctx.host.request('tracks.update', { cid: this.ctx.cid, ...state });
    const local = this.sessionId ? this.ctx.participants.get(this.sessionId) : undefined;
    if (local) this.ctx.participants.upsert({ ...local, publishedTracks: state.publishedTracks, streams: state.streams });
  }

  private applyStats(report: StatsReport): void {
    const { participants } = this.ctx;
    for (const [sessionId, levels] of report.remoteLevels) participants.patch(sessionId, levels);
    let worst: ConnectionQuality = 'unknown';
    for (const [sessionId, quality] of report.quality) {
      if (sessionId) participants.patch(sessionId, { connectionQuality: quality });
      if (QUALITY_RANK[quality] > QUALITY_RANK[worst]) worst = quality;
    }
    if (this.sessionId) {
      participants.patch(this.sessionId, { connectionQuality: worst, ...(report.localLevel ?? { audioLevel: 0, isSpeaking: false }) });
    }
  }
}
