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
import type { RecoveryStrategy } from '../reconnect-policy.js';
import type { CallHost } from './call-host.js';
import { CallStateStore, type CallState } from './call-state.js';
import { CallMedia } from './call-media.js';
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
  private readonly media: CallMedia;
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
    this.media = new CallMedia({
      cid: this.cid,
      host,
      participants: this.participants,
      sources: this.sources,
      canRecover: () => this.state.callingState === CallingState.JOINED && host.connected,
    });
    for (const source of this.sources) source.setSink((kind, track) => this.media.onLocalTrack(kind, track));
    this.messaging = new CallMessaging(this.cid, host, () => this.state.callingState === CallingState.JOINED, (m) => this.events.emit('message', m));
    this.moderation = new CallModeration(this.cid, host);
    this.subscriptions = new CallSubscriptions(this.cid, host, () => this.media.mediaPath === 'sfu');
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
      this.subscriptions.startWith(options.subscriptionMode);
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

  private applyCallInfo(result: RequestResult<'call.join'>): void {
    this.store.setCall(result.call);
    this.store.setCapabilities(result.ownCapabilities);
  }

  private async startMedia(result: RequestResult<'call.join'>): Promise<void> {
    this.applyCallInfo(result);
    await this.media.start(result);
    void this.subscriptions.replay().catch((error) => debug('call', 'could not restore subscriptions', error));
  }

  private stopMedia(): void {
    this.media.stop();
  }

  /** Leaves the call: LEFT, with every track, peer connection, timer and listener released. */
  leave(): Promise<void> {
    return this.queue.run(async () => {
      if (this.state.callingState === CallingState.LEFT) return;
      if ((this.media.sessionId || this.rang) && this.host.connected) {
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
    return this.messaging.sendCustomEvent(data, options.to);
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
      const sessionId = this.media.sessionId;
      if (strategy === 'fast' && sessionId) {
        result = await this.host.request('call.resume', { cid: this.cid, sessionId, lastSeq: this.messaging.lastSeq }).catch((error) => {
          if (ConfabError.from(error).code === 'NOT_FOUND') return null;
          throw error;
        });
        if (result) {
          this.applyCallInfo(result);
          this.media.resume(result);
        }
      }
      if (!result) result = await this.rejoin();
      if (!result) return;
      this.store.transition(CallingState.JOINED, result.sessionId === sessionId ? 'resumed (FAST)' : 'rejoined');
      this.messaging.receiveAll(result.missedMessages);
      void this.messaging.flush();
    });
  }

  private async rejoin(): Promise<RequestResult<'call.join'> | null> {
    const previous = this.media.sessionId;
    let result: RequestResult<'call.join'>;
    try {
      result = await this.host.request('call.join', {
        type: this.type,
        id: this.id,
        publish: publishStateOf(this.sources),
        ...(previous ? { previousSessionId: previous } : {}),
        lastSeq: this.messaging.lastSeq,
        subscriptionMode: this.subscriptions.currentMode,
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

  /** @internal Recovery gave up: RECONNECTING_FAILED; queued messages fail with TIMEOUT. A later join() starts again. */
  recoveryFailed(error?: ConfabError): void {
    if (!this.needsRecovery) return;
    this.stopMedia();
    this.messaging.failAll(new ConfabError('TIMEOUT', `could not reconnect to ${this.cid}${error ? `: ${error.message}` : ''}`));
    this.store.transition(CallingState.RECONNECTING_FAILED, error ? error.message : 'gave up');
  }

  // ---- server events ----------------------------------------------------------------------------

  /** @internal The client routes every event for this cid here. */
  handleEvent<E extends CallScopedEvent>(name: E, payload: EventPayload<E>): void {
    (this.handlers[name] as (p: EventPayload<E>) => void)(payload);
  }

  private readonly handlers: CallEventHandlers = {
    'participant.joined': ({ participant }) => {
      if (!this.media.sessionId || participant.sessionId === this.media.sessionId) return;
      const known = this.participants.has(participant.sessionId);
      const p = this.participants.upsert(participant);
      if (known) return;
      this.media.addParticipant(participant.sessionId);
      this.events.emit('participant.joined', { participant: p });
    },
    'participant.left': ({ sessionId, reason }) => {
      if (!this.media.sessionId) return;
      if (sessionId === this.media.sessionId) {
        if (reason === 'kicked') this.handlers.kicked({ cid: this.cid, by: '', blocked: false });
        return;
      }
      this.media.removeParticipant(sessionId);
      this.subscriptions.forget(sessionId);
      const p = this.participants.remove(sessionId);
      if (p) this.events.emit('participant.left', { participant: p, reason });
    },
    'participant.updated': ({ participant }) => {
      if (this.media.sessionId && this.participants.has(participant.sessionId)) this.participants.upsert(participant);
    },
    'track.published': ({ sessionId, kind }) => this.events.emit('track.published', { sessionId, kind }),
    'track.unpublished': ({ sessionId, kind }) => this.events.emit('track.unpublished', { sessionId, kind }),
    signal: ({ from, description, candidate }) => {
      const signal = description ? { description } : { candidate: candidate ?? null };
      this.media.handleSignal(from, signal);
    },
    message: ({ message }) => this.messaging.receive(message),
    'call.recover': ({ strategy }) => {
      // The server knows the media path broke: restart ICE; a session it dropped is handled by recovery.
      if (strategy === 'fast' && this.state.callingState === CallingState.JOINED) this.media.recover();
    },
    'call.accepted': ({ userId }) => this.events.emit('call.accepted', { userId }),
    'call.rejected': ({ userId, reason }) => this.events.emit('call.rejected', { userId, reason }),
    'call.missed': ({ userId }) => this.events.emit('call.missed', { userId }),
    'call.ring.stopped': ({ reason }) => {
      if (this.state.callingState !== CallingState.RINGING) return;
      this.events.emit('call.ring.stopped', { reason });
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
      if (userId === this.participants.get(this.media.sessionId ?? '')?.userId) void this.sourceOf(kind).disable().catch(() => undefined);
      this.events.emit('track.censored', { userId, kind, by });
    },
    'track.uncensored': ({ userId, kind, by }) => this.events.emit('track.uncensored', { userId, kind, by }),
    'permission.requested': ({ userId, name, capabilities }) => this.events.emit('permission.requested', { userId, name, capabilities }),
    'permission.denied': ({ capabilities, by }) => this.events.emit('permission.denied', { capabilities, by }),
    'capabilities.updated': ({ capabilities }) => this.store.setCapabilities(capabilities),
    custom: ({ from, sessionId, data, to }) => this.events.emit('custom', { from, sessionId, data, to }),
    'sfu.offer': (p) => this.media.handleSfuEvent('sfu.offer', p),
    'sfu.candidate': (p) => this.media.handleSfuEvent('sfu.candidate', p),
    'sfu.layers': (p) => this.media.handleSfuEvent('sfu.layers', p),
    'subscription.started': ({ sessionId, kind }) => this.events.emit('subscription.started', { sessionId, kind }),
    'subscription.reconfigured': ({ sessionId, kind, rid }) => this.events.emit('subscription.reconfigured', { sessionId, kind, rid }),
    'subscription.ended': ({ sessionId, kind, reason }) => {
      this.media.dropRemote(sessionId, kind);
      this.events.emit('subscription.ended', { sessionId, kind, reason });
    },
    'audio.levels': ({ levels }) => {
      for (const l of levels) this.participants.patch(l.sessionId, { audioLevel: l.level, isSpeaking: l.speaking });
    },
    'speaker.changed': ({ sessionId }) => this.events.emit('speaker.changed', { sessionId }),
  };

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
