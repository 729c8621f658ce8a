import {
  CallingState,
  type CallInfo,
  type Capability,
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
import type { RecoveryStrategy } from '../reconnect-policy.js';
import { P2pTransport } from '../transports/p2p-transport.js';
import { SfuTransport } from '../transports/sfu-transport.js';
import type { MediaTransport } from '../transports/transport.js';
import type { CallHost } from './call-host.js';
import { CallStateStore, type CallState } from './call-state.js';
import { CallMessaging } from './call-messaging.js';
import { CallModeration, type PublishCapability } from './call-moderation.js';
import { CallSubscriptions, type SubscriptionMode, type SubscriptionOptions } from './call-subscriptions.js';
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
  private readonly messaging: CallMessaging;
  private readonly moderation: CallModeration;
  private readonly subscriptions: CallSubscriptions;

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
    this.messaging = new CallMessaging(this.cid, host, () => this.state.callingState === CallingState.JOINED, (m) => this.events.emit('message', m));
    this.moderation = new CallModeration(this.cid, host);
    this.subscriptions = new CallSubscriptions(this.cid, host, () => this.transport?.mediaPath === 'sfu');
  }

  private get sources(): MediaSourceManager[] {
    return [this.microphone, this.camera, this.screenShare];
  }

  private sourceOf(kind: TrackKind): MediaSourceManager {
    return kind === 'audio' ? this.microphone : kind === 'video' ? this.camera : this.screenShare;
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

  /** Changes the call's custom data and settings (creator, host or admin); everyone in it is told. */
  async update(changes: { custom?: Record<string, unknown>; settings?: GetOrCreateOptions['settings'] }): Promise<CallInfo> {
    const { call } = await this.host.request('call.update', { cid: this.cid, ...changes });
    this.store.setCall(call);
    return call;
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
    let joined = false;
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
      joined = true;
      if (options.ring) this.rang = true;
      await this.startMedia(result);
      this.store.transition(CallingState.JOINED, 'joined');
      this.messaging.receiveAll(result.missedMessages);
      void this.messaging.flush();
    } catch (error) {
      // The server has a session for us but we cannot use it: leave it rather than haunt the call.
      if (joined) await this.host.request('call.leave', { cid: this.cid }).catch(() => undefined);
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
    this.store.setCapabilities(result.ownCapabilities);
    this.participants.localSessionId = result.sessionId;
    const transport: MediaTransport =
      result.mediaPath === 'sfu'
        ? new SfuTransport({ cid: this.cid, iceServers: result.iceServers, request: (type, payload) => this.host.request(type, payload) })
        : new P2pTransport({
            localSessionId: result.sessionId,
            iceServers: result.iceServers,
            sendSignal: (to, signal) => {
              this.host.request('signal', { cid: this.cid, to, ...signal }).catch((error) => debug('call', 'signal not delivered', error));
            },
          });
    this.transport = transport;
    transport.on('connection.state', ({ state }) => {
      // An SFU media path that failed while signalling works is rebuilt at once (FAST, same session).
      if (state === 'failed' && transport.mediaPath === 'sfu' && this.state.callingState === CallingState.JOINED && this.host.connected) transport.restartIce();
    });
    transport.on('remote.stream', ({ sessionId, stream, kind }) => this.participants.addRemoteStream(sessionId, stream, kind));
    transport.on('remote.stream.removed', ({ sessionId, streamId }) => this.participants.removeRemoteStream(sessionId, streamId));
    for (const p of result.participants) this.participants.upsert(p);
    this.refreshLocalStreams();
    for (const source of this.sources) {
      if (source.track) await transport.setLocalTrack(source.kind, source.track, source.stream);
    }
    for (const p of result.participants) transport.addParticipant(p.sessionId, { initiate: true });
    this.stats.start();
    void this.subscriptions.replay().catch((error) => debug('call', 'could not restore subscriptions', error));
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
    this.messaging.dispose(new ConfabError('UNAVAILABLE', `call ${this.cid} was left before the message was sent`));
    this.store.setCapabilities([]);
    this.store.transition(CallingState.LEFT, why);
    this.host.release(this.cid);
    this.events.removeAll();
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

  /**
   * Sends app data to everyone, or to the listed user ids; reliable and ordered through the server.
   * While the call is recovering, messages wait and go out in order once it is joined again (their
   * promise resolves then, or rejects with TIMEOUT if recovery gives up).
   */
  sendMessage(data: unknown, options: SendMessageOptions = {}): Promise<MessageEvent> {
    if (!SENDING_STATES.has(this.state.callingState)) {
      return Promise.reject(new ConfabError('INVALID_ARGUMENT', `join ${this.cid} before sending messages (state is ${this.state.callingState})`));
    }
    return this.messaging.send(data, options);
  }

  /** Message history visible to you, oldest first (`before`: a sequence number; `limit` up to 200). */
  queryMessages(options: { before?: number; limit?: number } = {}): Promise<MessageEvent[]> {
    return this.messaging.query(options);
  }

  /** An app event to everyone (or `to` some users): delivered now, never stored, not a chat message. */
  sendCustomEvent(data: unknown, options: SendMessageOptions = {}): Promise<void> {
    return this.moderation.sendCustomEvent(data, options.to);
  }

  // ---- moderation (needs the capability; the server refuses others with FORBIDDEN) -------------

  /** Removes a user from the call; `block: true` keeps them from joining again. */
  kick(userId: string, options: { block?: boolean } = {}): Promise<void> {
    return this.moderation.kick(userId, options);
  }

  unblockUser(userId: string): Promise<void> {
    return this.moderation.unblock(userId);
  }

  /** Turns someone's track off; they are told and may turn it back on. */
  muteUser(userId: string, kind: TrackKind): Promise<void> {
    return this.moderation.mute(userId, kind);
  }

  /** Turns someone's track off until uncensorTrack (seed 003's track_censored). */
  censorTrack(userId: string, kind: TrackKind): Promise<void> {
    return this.moderation.censor(userId, kind, true);
  }

  uncensorTrack(userId: string, kind: TrackKind): Promise<void> {
    return this.moderation.censor(userId, kind, false);
  }

  /** Asks the call's moderators for permission to publish (a guest, typically). */
  requestPermissions(capabilities: PublishCapability[]): Promise<void> {
    return this.moderation.requestPermissions(capabilities);
  }

  grantPermissions(userId: string, capabilities: Capability[]): Promise<void> {
    return this.moderation.updatePermissions(userId, { grant: capabilities });
  }

  revokePermissions(userId: string, capabilities: Capability[]): Promise<void> {
    return this.moderation.updatePermissions(userId, { revoke: capabilities });
  }

  denyPermissions(userId: string, capabilities: PublishCapability[]): Promise<void> {
    return this.moderation.updatePermissions(userId, { deny: capabilities });
  }

  // ---- selective subscriptions (SFU calls) ------------------------------------------------------

  /** Receive (or resize, or pause) a participant's audio, video or screen; switches to manual mode. */
  subscribe(sessionId: string, kind: TrackKind, options: SubscriptionOptions = {}): Promise<void> {
    return this.subscriptions.subscribe(sessionId, kind, options);
  }

  /** Same as subscribe: change the size asked for, or pause. */
  updateSubscription(sessionId: string, kind: TrackKind, options: SubscriptionOptions): Promise<void> {
    return this.subscriptions.subscribe(sessionId, kind, options);
  }

  unsubscribe(sessionId: string, kind: TrackKind): Promise<void> {
    return this.subscriptions.unsubscribe(sessionId, kind);
  }

  /** 'auto' (the server chooses: all audio, video of up to 25, speakers first) or 'manual'. */
  setSubscriptionMode(mode: SubscriptionMode): Promise<void> {
    return this.subscriptions.setMode(mode);
  }

  get subscriptionMode(): SubscriptionMode {
    return this.subscriptions.currentMode;
  }

  // ---- recovery ---------------------------------------------------------------------------------

  /** @internal Whether this call waits for the client's link to come back. */
  get needsRecovery(): boolean {
    return RECOVERING_STATES.has(this.state.callingState);
  }

  /** @internal The signalling link dropped. */
  signalLost(offline: boolean): void {
    const s = this.state.callingState;
    if (s === CallingState.JOINED || s === CallingState.MIGRATING) {
      this.store.transition(offline ? CallingState.OFFLINE : CallingState.RECONNECTING, 'signalling link lost');
    }
  }

  /** @internal The browser says the network is gone or back. */
  networkChanged(online: boolean): void {
    const s = this.state.callingState;
    if (!online && (s === CallingState.JOINED || s === CallingState.RECONNECTING)) this.store.transition(CallingState.OFFLINE, 'browser offline');
    if (online && s === CallingState.OFFLINE) this.store.transition(CallingState.RECONNECTING, 'browser online');
  }

  /**
   * @internal The link is up again: take the session back and restart ICE (FAST), or join again
   * with the same published tracks (REJOIN) when the server no longer has the session.
   */
  recover(strategy: RecoveryStrategy): Promise<void> {
    return this.queue.run(async () => {
      if (!this.needsRecovery) return;
      if (this.state.callingState === CallingState.OFFLINE) this.store.transition(CallingState.RECONNECTING, 'link back');
      let result: RequestResult<'call.join'> | null = null;
      if (strategy === 'fast' && this.sessionId) {
        result = await this.host.request('call.resume', { cid: this.cid, sessionId: this.sessionId, lastSeq: this.messaging.lastSeq }).catch((error) => {
          if (ConfabError.from(error).code === 'NOT_FOUND') return null;
          throw error;
        });
        if (result) this.resumeMedia(result);
      }
      if (!result) result = await this.rejoin();
      if (!result) return;
      this.store.transition(CallingState.JOINED, strategy === 'fast' && result.sessionId === this.sessionId ? 'resumed (FAST)' : 'rejoined');
      this.messaging.receiveAll(result.missedMessages);
      void this.messaging.flush();
    });
  }

  private async rejoin(): Promise<RequestResult<'call.join'> | null> {
    const previous = this.sessionId;
    let result: RequestResult<'call.join'>;
    try {
      result = await this.host.request('call.join', {
        type: this.type,
        id: this.id,
        publish: publishStateOf(this.sources),
        ...(previous ? { previousSessionId: previous } : {}),
        lastSeq: this.messaging.lastSeq,
      });
    } catch (error) {
      const e = ConfabError.from(error);
      if (e.code === 'CONFLICT') {
        // The call ended while we were away.
        this.events.emit('call.ended', {});
        this.dispose('call ended during recovery');
        return null;
      }
      if (e.code === 'FORBIDDEN' || e.code === 'CALL_FULL' || e.code === 'NOT_FOUND') {
        this.recoveryFailed(e);
        return null;
      }
      throw e;
    }
    this.stopMedia();
    await this.startMedia(result);
    return result;
  }

  /** FAST: same session, same transport; ICE restarts in case the network path changed. */
  private resumeMedia(result: RequestResult<'call.join'>): void {
    this.store.setCall(result.call);
    this.store.setCapabilities(result.ownCapabilities);
    for (const p of result.participants) this.participants.upsert(p);
    // p2p: restart ICE in case the network changed; SFU: rebuild the media path only if it broke.
    const sfu = this.sfuTransport();
    if (!sfu || !sfu.healthy) this.transport?.restartIce();
  }

  /** @internal Recovery gave up: RECONNECTING_FAILED; queued messages fail with TIMEOUT. A later join() starts again. */
  recoveryFailed(error?: ConfabError): void {
    if (!this.needsRecovery) return;
    this.stopMedia();
    this.messaging.failAll(new ConfabError('TIMEOUT', `could not reconnect to ${this.cid}${error ? `: ${error.message}` : ''}`));
    this.store.transition(CallingState.RECONNECTING_FAILED, error ? error.message : 'gave up');
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
    const source = this.sourceOf(kind);
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
      const known = this.participants.has(participant.sessionId);
      const p = this.participants.upsert(participant);
      if (known) return;
      this.transport?.addParticipant(participant.sessionId);
      this.events.emit('participant.joined', { participant: p });
    },
    'participant.left': ({ sessionId, reason }) => {
      if (!this.sessionId) return;
      if (sessionId === this.sessionId) {
        if (reason === 'kicked') this.handlers.kicked({ cid: this.cid, by: '', blocked: false });
        return;
      }
      this.transport?.removeParticipant(sessionId);
      this.subscriptions.forget(sessionId);
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
    message: ({ message }) => this.messaging.receive(message),
    'call.recover': ({ strategy }) => {
      // The server knows the media path broke: restart ICE; a session it dropped is handled by recovery.
      if (strategy === 'fast' && this.state.callingState === CallingState.JOINED) this.transport?.restartIce();
    },
    'call.accepted': ({ userId }) => this.events.emit('call.accepted', { userId }),
    'call.rejected': ({ userId, reason }) => this.events.emit('call.rejected', { userId, reason }),
    'call.missed': ({ userId }) => this.events.emit('call.missed', { userId }),
    'call.ring.stopped': ({ reason }) => {
      if (this.state.callingState !== CallingState.RINGING) return;
      if (reason === 'ended') this.dispose('call ended while ringing');
      else this.store.transition(CallingState.IDLE, `ringing stopped (${reason})`);
    },
    'call.updated': ({ call }) => this.store.setCall(call),
    'call.ended': () => {
      this.events.emit('call.ended', {});
      this.dispose('call ended');
    },
    kicked: ({ by, blocked }) => {
      this.events.emit('kicked', { by, blocked });
      this.dispose('kicked');
    },
    'track.muted': ({ kind, by }) => {
      this.sourceOf(kind).disable().catch((error) => debug('call', 'could not turn off a muted track', error));
      this.events.emit('track.muted', { kind, by });
    },
    'track.censored': ({ userId, kind, by }) => {
      if (userId === this.participants.get(this.sessionId ?? '')?.userId) void this.sourceOf(kind).disable().catch(() => undefined);
      this.events.emit('track.censored', { userId, kind, by });
    },
    'track.uncensored': ({ userId, kind, by }) => this.events.emit('track.uncensored', { userId, kind, by }),
    'permission.requested': ({ userId, name, capabilities }) => this.events.emit('permission.requested', { userId, name, capabilities }),
    'permission.denied': ({ capabilities, by }) => this.events.emit('permission.denied', { capabilities, by }),
    'capabilities.updated': ({ capabilities }) => this.store.setCapabilities(capabilities),
    custom: ({ from, sessionId, data, to }) => this.events.emit('custom', { from, sessionId, data, to }),
    'sfu.offer': (p) => this.sfuTransport()?.handleSfuEvent('sfu.offer', p),
    'sfu.candidate': (p) => this.sfuTransport()?.handleSfuEvent('sfu.candidate', p),
    'sfu.layers': (p) => this.sfuTransport()?.handleSfuEvent('sfu.layers', p),
    'subscription.started': ({ sessionId, kind }) => this.events.emit('subscription.started', { sessionId, kind }),
    'subscription.reconfigured': ({ sessionId, kind, rid }) => this.events.emit('subscription.reconfigured', { sessionId, kind, rid }),
    'subscription.ended': ({ sessionId, kind, reason }) => {
      this.sfuTransport()?.dropRemote(sessionId, kind);
      this.events.emit('subscription.ended', { sessionId, kind, reason });
    },
    'audio.levels': ({ levels }) => {
      for (const l of levels) this.participants.patch(l.sessionId, { audioLevel: l.level, isSpeaking: l.speaking });
    },
    'speaker.changed': ({ sessionId }) => this.events.emit('speaker.changed', { sessionId }),
  };

  private sfuTransport(): SfuTransport | null {
    return this.transport instanceof SfuTransport ? this.transport : null;
  }

  /** @internal An incoming ring for this call. */
  markRinging(info: CallInfo): void {
    this.store.setCall(info);
    if (this.state.callingState === CallingState.IDLE) this.store.transition(CallingState.RINGING, 'incoming ring');
  }
}

/** States in which sendMessage queues or sends (rather than refusing). */
const SENDING_STATES = new Set<CallingState>([
  CallingState.JOINING,
  CallingState.JOINED,
  CallingState.RECONNECTING,
  CallingState.OFFLINE,
  CallingState.MIGRATING,
]);

const RECOVERING_STATES = new Set<CallingState>([CallingState.RECONNECTING, CallingState.OFFLINE, CallingState.MIGRATING]);
