import {
  CallingState,
  type CallInfo,
  type EventName,
  type EventPayload,
  type RequestResult,
  type TrackKind,
} from '@confab/protocol';
import { Emitter } from '../emitter.js';
import { ConfabError } from '../errors.js';
import { debug } from '../log.js';
import { CameraManager, MicrophoneManager, ScreenShareManager } from '../media/device-managers.js';
import type { MediaSourceManager } from '../media/media-source-manager.js';
import { SerialQueue } from '../serial.js';
import { StatsManager, type StatsReport } from '../stats/stats-manager.js';
import { P2pTransport } from '../transports/p2p-transport.js';
import type { MediaTransport } from '../transports/transport.js';
import type { CallHost } from './call-host.js';
import { CallStateStore, type CallState } from './call-state.js';
import { ParticipantStore } from './participants.js';
import { publishStateOf } from './publish-state.js';
import type { CallEvents, GetOrCreateOptions, JoinOptions, MediaOption, MessageEvent, SendMessageOptions } from './types.js';

/** Server events addressed to one call (the client handles the others). */
export type CallScopedEvent = Exclude<EventName, 'connection.ok' | 'call.ring'>;
type CallEventHandlers = { [E in CallScopedEvent]: (payload: EventPayload<E>) => void };

/** One call (CONTRACT.md §5): a thin facade over state, media sources, a transport and stats. */
export class Call {
  readonly cid: string;
  readonly state: CallState;
  readonly camera = new CameraManager();
  readonly microphone = new MicrophoneManager();
  readonly screenShare = new ScreenShareManager();

  private readonly store: CallStateStore;
  private readonly participants: ParticipantStore;
  private readonly events = new Emitter<CallEvents>();
  private readonly queue = new SerialQueue();
  private readonly stats: StatsManager;
  private transport: MediaTransport | null = null;
  private sessionId: string | null = null;
  /** This client rang the call's members; leave() then cancels an unanswered ring. */
  private rang = false;

  constructor(
    readonly type: string,
    readonly id: string,
    private readonly host: CallHost,
  ) {
    this.cid = `${type}:${id}`;
    this.store = new CallStateStore(this.cid);
    this.state = this.store.state;
    this.participants = new ParticipantStore((ps) => this.store.setParticipants(ps));
    this.store.transition(CallingState.IDLE, 'created');
    for (const source of this.sources) source.setSink((kind, track) => this.onLocalTrack(kind, track));
    this.stats = new StatsManager(
      () => this.transport?.statsSources() ?? [],
      (report) => this.applyStats(report),
    );
  }

  private get sources(): MediaSourceManager[] {
    return [this.microphone, this.camera, this.screenShare];
  }

  /** Listens to a call event; returns the function that stops listening. */
  on<K extends keyof CallEvents>(name: K, fn: (payload: CallEvents[K]) => void): () => void {
    return this.events.on(name, fn);
  }

  // ---- call information -------------------------------------------------------------------------

  /** Loads the call; rejects with NOT_FOUND when it does not exist. */
  async get(): Promise<CallInfo> {
    const { call } = await this.host.request('call.get', { type: this.type, id: this.id });
    this.store.setCall(call);
    return call;
  }

  /** Creates the call unless it exists, and loads it. */
  async getOrCreate(options: GetOrCreateOptions = {}): Promise<{ call: CallInfo; created: boolean }> {
    const result = await this.host.request('call.getOrCreate', { type: this.type, id: this.id, ...options });
    this.store.setCall(result.call);
    if (options.ring) this.rang = true;
    return result;
  }

  // ---- joining and leaving ----------------------------------------------------------------------

  /** Joins; resolves once JOINED, publishing the microphone and camera as asked. */
  join(options: JoinOptions = {}): Promise<void> {
    return this.queue.run(() => this.doJoin(options));
  }

  private async doJoin(options: JoinOptions): Promise<void> {
    const from = this.state.callingState;
    if (from === CallingState.JOINED) return;
    if (from === CallingState.LEFT) {
      throw new ConfabError('INVALID_ARGUMENT', `call ${this.cid} was left; get a new object with client.call()`);
    }
    this.store.transition(CallingState.JOINING, 'join()');
    const enabledHere: MediaSourceManager[] = [];
    try {
      await this.enableForJoin(this.microphone, options.audio, enabledHere);
      await this.enableForJoin(this.camera, options.video, enabledHere);
      const { audio: _a, video: _v, ...rest } = options;
      const result = await this.host.request('call.join', {
        type: this.type,
        id: this.id,
        ...rest,
        publish: publishStateOf(this.sources),
      });
      if (options.ring) this.rang = true;
      await this.startMedia(result);
      this.store.transition(CallingState.JOINED, 'joined');
    } catch (error) {
      this.stopMedia();
      for (const source of enabledHere) await source.disable().catch(() => undefined);
      if (this.state.callingState === CallingState.JOINING) this.store.transition(CallingState.IDLE, 'join failed');
      throw ConfabError.from(error);
    }
  }

  private async enableForJoin(source: MediaSourceManager & { enable(c?: MediaOption): Promise<void> }, option: MediaOption | undefined, enabledHere: MediaSourceManager[]): Promise<void> {
    if (!option) return;
    const wasEnabled = source.enabled;
    await source.enable(option === true ? undefined : option);
    if (!wasEnabled) enabledHere.push(source);
  }

  private async startMedia(result: RequestResult<'call.join'>): Promise<void> {
    this.sessionId = result.sessionId;
    this.store.setCall(result.call);
    this.participants.localSessionId = result.sessionId;
    if (result.mediaPath !== 'p2p') {
      throw new ConfabError('UNIMPLEMENTED', `media path ${result.mediaPath} is not supported by this SDK yet`);
    }
    const transport = new P2pTransport({
      localSessionId: result.sessionId,
      iceServers: result.iceServers,
      sendSignal: (to, signal) => {
        this.host.request('signal', { cid: this.cid, to, ...signal }).catch((error) => debug('call', 'signal not delivered', error));
      },
    });
    this.transport = transport;
    transport.on('remote.stream', ({ sessionId, stream }) => this.participants.addRemoteStream(sessionId, stream));
    transport.on('remote.stream.removed', ({ sessionId, streamId }) => this.participants.removeRemoteStream(sessionId, streamId));
    for (const p of result.participants) this.participants.upsert(p);
    this.refreshLocalStreams();
    for (const source of this.sources) {
      if (source.track) await transport.setLocalTrack(source.kind, source.track, source.stream);
    }
    for (const p of result.participants) transport.addParticipant(p.sessionId, { initiate: true });
    this.stats.start();
  }

  private stopMedia(): void {
    this.stats.stop();
    this.transport?.close();
    this.transport = null;
    this.sessionId = null;
    this.participants.clear();
  }

  /** Leaves the call: LEFT, with every track, peer connection, timer and listener released. */
  leave(): Promise<void> {
    return this.queue.run(async () => {
      if (this.state.callingState === CallingState.LEFT) return;
      if ((this.sessionId || this.rang) && this.host.connected) {
        await this.host.request('call.leave', { cid: this.cid }).catch((error) => debug('call', 'leave not acknowledged', error));
      }
      this.dispose('leave()');
    });
  }

  /** Releases everything and moves to LEFT (also used when kicked or when the call ends). */
  private dispose(why: string): void {
    if (this.state.callingState === CallingState.LEFT) return;
    this.stopMedia();
    for (const source of this.sources) source.dispose();
    this.store.transition(CallingState.LEFT, why);
    this.host.release(this.cid);
    this.events.removeAll();
    this.store.complete();
  }

  // ---- ringing and call control -----------------------------------------------------------------

  /** Rings the call's members who are not in it; resolves with the user ids now ringing. */
  async ring(): Promise<string[]> {
    const { ringing } = await this.host.request('call.ring', { cid: this.cid });
    this.rang = true;
    return ringing;
  }

  /** Callee: takes a ringing call (the user's other devices stop ringing) and joins it. */
  async accept(options: JoinOptions = {}): Promise<void> {
    await this.host.request('call.accept', { cid: this.cid });
    await this.join(options);
  }

  /** Callee: declines a ringing call; every device of the user stops ringing; the call is LEFT. */
  async reject(reason?: string): Promise<void> {
    await this.host.request('call.reject', reason === undefined ? { cid: this.cid } : { cid: this.cid, reason });
    await this.queue.run(async () => this.dispose('rejected'));
  }

  /** Ends the call for everyone (creator, admin or host; others get FORBIDDEN). */
  async endCall(): Promise<void> {
    await this.host.request('call.end', { cid: this.cid });
  }

  // ---- messages ---------------------------------------------------------------------------------

  /** Sends app data to everyone, or to the listed user ids; reliable and ordered through the server. */
  async sendMessage(data: unknown, options: SendMessageOptions = {}): Promise<MessageEvent> {
    if (this.state.callingState !== CallingState.JOINED) {
      throw new ConfabError('INVALID_ARGUMENT', `join ${this.cid} before sending messages (state is ${this.state.callingState})`);
    }
    if (data === undefined) throw new ConfabError('INVALID_ARGUMENT', 'message data is required');
    const payload = options.to ? { cid: this.cid, data, to: options.to } : { cid: this.cid, data };
    const { message } = await this.host.request('message.send', payload);
    return { id: message.id, seq: message.seq, from: message.from, sessionId: message.sessionId, data: message.data, to: message.to, createdAt: message.createdAt };
  }

  // ---- local media ------------------------------------------------------------------------------

  private refreshLocalStreams(): void {
    this.participants.setLocalStreams({
      audio: this.microphone.enabled ? this.microphone.stream : undefined,
      video: this.camera.enabled || this.camera.track ? this.camera.stream : undefined,
      screen: this.screenShare.track ? this.screenShare.stream : undefined,
    });
  }

  /** A local source started, switched or stopped: send it, and tell the server what is published. */
  private async onLocalTrack(kind: TrackKind, track: MediaStreamTrack | null): Promise<void> {
    const transport = this.transport;
    const source = this.sources.find((s) => s.kind === kind)!;
    if (transport) {
      if (track) await this.publishState(source, track);
      await transport.setLocalTrack(kind, track, source.stream);
      if (!track) await this.publishState(source, null);
    }
    this.refreshLocalStreams();
  }

  private async publishState(changed: MediaSourceManager, track: MediaStreamTrack | null): Promise<void> {
    const state = publishStateOf(this.sources);
    // The changed source is not marked enabled yet while its track is being published.
    if (track && !state.publishedTracks.includes(changed.kind)) state.publishedTracks.push(changed.kind);
    if (!track) state.publishedTracks = state.publishedTracks.filter((k) => k !== changed.kind);
    await this.host.request('tracks.update', { cid: this.cid, ...state });
    const local = this.sessionId ? this.participants.get(this.sessionId) : undefined;
    if (local) this.participants.upsert({ ...local, publishedTracks: state.publishedTracks, streams: state.streams });
  }

  private applyStats(report: StatsReport): void {
    for (const [sessionId, levels] of report.remoteLevels) this.participants.patch(sessionId, levels);
    let worst: 'unknown' | 'poor' | 'good' | 'excellent' = 'unknown';
    const rank = { unknown: 0, excellent: 1, good: 2, poor: 3 } as const;
    for (const [sessionId, quality] of report.quality) {
      if (sessionId) this.participants.patch(sessionId, { connectionQuality: quality });
      if (rank[quality] > rank[worst]) worst = quality;
    }
    if (this.sessionId) {
      this.participants.patch(this.sessionId, {
        connectionQuality: worst,
        ...(report.localLevel ?? { audioLevel: 0, isSpeaking: false }),
      });
    }
  }

  // ---- server events ----------------------------------------------------------------------------

  /** @internal The client routes every event for this cid here. */
  handleEvent<E extends CallScopedEvent>(name: E, payload: EventPayload<E>): void {
    (this.handlers[name] as (p: EventPayload<E>) => void)(payload);
  }

  private readonly handlers: CallEventHandlers = {
    'participant.joined': ({ participant }) => {
      if (!this.sessionId || participant.sessionId === this.sessionId) return;
      const p = this.participants.upsert(participant);
      this.transport?.addParticipant(participant.sessionId);
      this.events.emit('participant.joined', { participant: p });
    },
    'participant.left': ({ sessionId, reason }) => {
      if (!this.sessionId) return;
      if (sessionId === this.sessionId) {
        if (reason === 'kicked') this.handlers.kicked({ cid: this.cid });
        return;
      }
      this.transport?.removeParticipant(sessionId);
      const p = this.participants.remove(sessionId);
      if (p) this.events.emit('participant.left', { participant: p, reason });
    },
    'participant.updated': ({ participant }) => {
      if (this.sessionId && this.participants.has(participant.sessionId)) this.participants.upsert(participant);
    },
    'track.published': ({ sessionId, kind }) => this.events.emit('track.published', { sessionId, kind }),
    'track.unpublished': ({ sessionId, kind }) => this.events.emit('track.unpublished', { sessionId, kind }),
    signal: ({ from, description, candidate }) => {
      const signal = description ? { description } : { candidate: candidate ?? null };
      this.transport?.handleSignal(from, signal).catch((error) => debug('call', 'signal failed', error));
    },
    message: ({ message }) =>
      this.events.emit('message', { id: message.id, seq: message.seq, from: message.from, sessionId: message.sessionId, data: message.data, to: message.to, createdAt: message.createdAt }),
    'call.accepted': ({ userId }) => this.events.emit('call.accepted', { userId }),
    'call.rejected': ({ userId, reason }) => this.events.emit('call.rejected', { userId, reason }),
    'call.missed': ({ userId }) => this.events.emit('call.missed', { userId }),
    'call.ring.stopped': ({ reason }) => {
      if (this.state.callingState !== CallingState.RINGING) return;
      if (reason === 'ended') this.dispose('call ended while ringing');
      else this.store.transition(CallingState.IDLE, `ringing stopped (${reason})`);
    },
    'call.ended': () => {
      this.events.emit('call.ended', {});
      this.dispose('call ended');
    },
    kicked: () => {
      this.events.emit('kicked', {});
      this.dispose('kicked');
    },
  };

  /** @internal An incoming ring for this call. */
  markRinging(info: CallInfo): void {
    this.store.setCall(info);
    if (this.state.callingState === CallingState.IDLE) this.store.transition(CallingState.RINGING, 'incoming ring');
  }
}
