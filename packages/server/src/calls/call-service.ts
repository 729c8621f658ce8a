import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  type CallInfo,
  type CallSettings,
  type ChatMessage,
  type Participant,
  type CustomData,
  type IceServer,
  type LeaveReason,
  type Member,
  MAX_CUSTOM_DATA_BYTES,
  type RequestPayload,
  type RequestResult,
  type ServerEvent,
  splitCid,
} from '@confab/protocol';
import { assertCallAllowed } from '../auth/tokens.js';
import { ServiceError } from '../errors.js';
import type { CallRecord, CallStore } from '../store/call-store.js';
import type { UserStateStore } from '../store/user-state-store.js';
import { HookList } from './call-hooks.js';
import { DEFAULT_RING_TIMEOUT_MS, type CallType } from './call-types.js';
import { effectiveCapabilities, PUBLISH_CAPABILITY, requireCapability, requireIn, rolesInCall } from './permissions.js';
import { KeyedSerialQueue } from './serial-queue.js';
import { type ActiveCall, type Caller, type LiveSession, type Notifier, toParticipant } from './types.js';

export interface CallServiceOptions {
  store: CallStore;
  userStates: UserStateStore;
  notifier: Notifier;
  logger: Logger;
  reconnectGraceMs: number;
  iceServersFor: (userId: string) => IceServer[];
}

/** Events kept for a disconnected session; past this it has to rejoin. */
const MAX_MISSED_EVENTS = 1000;

/** At most this many missed messages come back in one recovery. */
const MAX_REPLAYED_MESSAGES = 500;

function jsonSize(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
}

function checkCustom(custom: CustomData | undefined, what: string): void {
  if (custom !== undefined && jsonSize(custom) > MAX_CUSTOM_DATA_BYTES) {
    throw new ServiceError('INVALID_ARGUMENT', `${what} is larger than ${MAX_CUSTOM_DATA_BYTES} bytes`);
  }
}

/**
 * The calls domain: call lifecycle, membership and live sessions. Plain logic over a store and a
 * notifier; the gateway calls it with an authenticated Caller.
 */
export class CallService {
  /** Calls with live sessions, by cid. */
  readonly active = new Map<string, ActiveCall>();
  /** Sessions per signalling connection, to find the caller's session and to clean up on close. */
  private readonly byConnection = new Map<string, Set<LiveSession>>();
  private readonly queue = new KeyedSerialQueue();
  /** Ringing (and later moderation) hear about sessions joining and leaving here. */
  readonly hooks: HookList;

  constructor(private readonly opts: CallServiceOptions) {
    this.hooks = new HookList((error, hook) => opts.logger.error({ err: error, hook }, 'call hook failed'));
  }

  // ---- reading and creating calls -------------------------------------------------------------

  async callType(name: string): Promise<CallType> {
    const type = await this.opts.store.getCallType(name);
    if (!type) throw new ServiceError('NOT_FOUND', `call type "${name}" does not exist`);
    return type;
  }

  private async loadCall(cid: string): Promise<{ record: CallRecord; members: Member[] } | null> {
    const live = this.active.get(cid);
    if (live) return { record: live.record, members: live.members };
    const record = await this.opts.store.getCall(cid);
    if (!record) return null;
    return { record, members: await this.opts.store.getMembers(cid) };
  }

  toCallInfo(record: CallRecord, type: CallType, members: Member[]): CallInfo {
    const max = Math.min(record.settings.maxParticipants ?? type.maxParticipants, type.maxParticipants);
    return {
      type: record.type,
      id: record.id,
      cid: record.cid,
      createdBy: record.createdBy,
      custom: record.custom,
      settings: { ringTimeoutMs: record.settings.ringTimeoutMs ?? DEFAULT_RING_TIMEOUT_MS, maxParticipants: max },
      members,
      mediaPath: type.mediaPath,
      createdAt: record.createdAt,
      endedAt: record.endedAt,
      participantCount: this.active.get(record.cid)?.sessions.size ?? 0,
    };
  }

  async get(caller: Pick<Caller, 'callCids'>, typeName: string, id: string): Promise<CallInfo> {
    const cid = `${typeName}:${id}`;
    assertCallAllowed(caller, cid);
    const type = await this.callType(typeName);
    const loaded = await this.loadCall(cid);
    if (!loaded) throw new ServiceError('NOT_FOUND', `call ${cid} does not exist`);
    return this.toCallInfo(loaded.record, type, loaded.members);
  }

  async getOrCreate(
    caller: Pick<Caller, 'userId' | 'role' | 'callCids'>,
    p: { type: string; id: string; members?: Member[]; custom?: CustomData; settings?: CallSettings },
  ): Promise<{ call: CallInfo; created: boolean; record: CallRecord; type: CallType }> {
    const cid = `${p.type}:${p.id}`;
    assertCallAllowed(caller, cid);
    const type = await this.callType(p.type);
    const existing = await this.loadCall(cid);
    if (existing) return { call: this.toCallInfo(existing.record, type, existing.members), created: false, record: existing.record, type };
    requireCapability(type, [caller.role], 'create-call');
    checkCustom(p.custom, 'custom');
    for (const m of p.members ?? []) checkCustom(m.custom, `member ${m.userId} custom`);
    const members = dedupeMembers(p.members ?? []);
    const record: CallRecord = {
      cid,
      type: p.type,
      id: p.id,
      createdBy: caller.userId,
      custom: p.custom ?? {},
      settings: p.settings ?? {},
      createdAt: new Date().toISOString(),
      startedAt: null,
      endedAt: null,
    };
    const created = await this.opts.store.createCall(record, members);
    // Lost a race with another creator: return what they stored.
    const stored = created ? { record, members } : (await this.loadCall(cid))!;
    return { call: this.toCallInfo(stored.record, type, stored.members), created, record: stored.record, type };
  }

  // ---- joining and leaving --------------------------------------------------------------------

  async join(caller: Caller, p: RequestPayload<'call.join'>): Promise<RequestResult<'call.join'>> {
    const cid = `${p.type}:${p.id}`;
    assertCallAllowed(caller, cid);
    return this.queue.run(cid, async () => {
      let record: CallRecord;
      let type: CallType;
      let members: Member[];
      if (p.create) {
        ({ record, type } = await this.getOrCreate(caller, p));
        members = this.active.get(cid)?.members ?? (await this.opts.store.getMembers(cid));
      } else {
        type = await this.callType(p.type);
        const loaded = await this.loadCall(cid);
        if (!loaded) throw new ServiceError('NOT_FOUND', `call ${cid} does not exist; join with create: true to create it`);
        ({ record, members } = loaded);
      }
      if (record.endedAt) throw new ServiceError('CONFLICT', `call ${cid} has ended and cannot be joined`);
      const userState = this.active.get(cid)?.userStates.get(caller.userId) ?? (await this.opts.userStates.get(cid, caller.userId));
      if (userState.blocked) throw new ServiceError('FORBIDDEN', `you were removed from call ${cid} and cannot join it again`);
      const roles = rolesInCall(caller, record, members);
      const capabilities = effectiveCapabilities(type, roles, userState);
      requireIn(capabilities, 'join-call', `your role (${roles.join(', ')})`);
      for (const kind of p.publish?.publishedTracks ?? []) requireIn(capabilities, PUBLISH_CAPABILITY[kind], `your role (${roles.join(', ')})`);
      if (type.audioOnly && p.publish?.publishedTracks.some((k) => k !== 'audio')) {
        throw new ServiceError('INVALID_ARGUMENT', `${type.name} calls are audio only`);
      }
      const call: ActiveCall = this.active.get(cid) ?? {
        record,
        type,
        members,
        sessions: new Map(),
        lastSeq: await this.opts.store.lastMessageSeq(cid),
        userStates: new Map(),
      };
      call.userStates.set(caller.userId, userState);
      const info = this.toCallInfo(record, type, members);
      if (call.sessions.size >= info.settings.maxParticipants) {
        throw new ServiceError('CALL_FULL', `call ${cid} is full (${info.settings.maxParticipants} participants)`);
      }
      this.active.set(cid, call);
      const session: LiveSession = {
        sessionId: randomUUID(),
        cid,
        userId: caller.userId,
        name: caller.name,
        roles,
        connectionId: caller.connectionId,
        publishedTracks: [...new Set(p.publish?.publishedTracks ?? [])],
        streams: p.publish?.streams ?? [],
        joinedAt: new Date().toISOString(),
        graceTimer: null,
        lastAckedSeq: p.lastSeq ?? 0,
        missed: [],
        capabilities,
        subscriptionMode: p.subscriptionMode ?? 'auto',
      };
      // REJOIN: the session this one replaces goes at once rather than after the grace period.
      const previous = p.previousSessionId ? call.sessions.get(p.previousSessionId) : undefined;
      if (previous && previous.userId === caller.userId) await this.removeSession(previous, 'timeout');
      call.sessions.set(session.sessionId, session);
      this.indexSession(session);
      try {
        await this.opts.store.insertSession({ ...session, leftAt: null, leaveReason: null });
        await this.opts.store.markCallStarted(cid, session.joinedAt);
      } catch (error) {
        this.dropSession(call, session);
        throw error;
      }
      this.opts.logger.info({ cid, sessionId: session.sessionId, userId: caller.userId }, 'participant joined');
      this.broadcast(call, { type: 'participant.joined', payload: { cid, participant: this.participantOf(call, session) } }, session.sessionId);
      this.hooks.sessionJoined(session);
      const exclude = [session.sessionId, ...(p.previousSessionId ? [p.previousSessionId] : [])];
      return this.joinResult(call, session, p.lastSeq === undefined ? [] : await this.missedMessages(session, p.lastSeq, exclude));
    });
  }

  private joinResult(call: ActiveCall, session: LiveSession, missedMessages: ChatMessage[]): RequestResult<'call.join'> {
    return {
      call: this.toCallInfo(call.record, call.type, call.members),
      sessionId: session.sessionId,
      participants: [...call.sessions.values()].map((s) => this.participantOf(call, s)),
      iceServers: this.opts.iceServersFor(session.userId),
      mediaPath: call.type.mediaPath,
      missedMessages,
      ownCapabilities: [...session.capabilities],
    };
  }

  /** A session as others see it, with the user's censored kinds. */
  participantOf(call: ActiveCall, session: LiveSession): Participant {
    return toParticipant(session, call.userStates.get(session.userId)?.censored ?? []);
  }

  /** Recomputes the capabilities of every session of a user (after a grant, revoke or censor). */
  refreshCapabilities(call: ActiveCall, userId: string): void {
    const state = call.userStates.get(userId);
    if (!state) return;
    for (const s of call.sessions.values()) {
      if (s.userId !== userId) continue;
      s.capabilities = effectiveCapabilities(call.type, s.roles, state);
      this.sendToSession(s, { type: 'capabilities.updated', payload: { cid: call.record.cid, capabilities: [...s.capabilities] } });
    }
  }

  /**
   * FAST recovery: the same user takes its session back on a new connection, within the grace
   * period. Others see nothing. NOT_FOUND tells the client to REJOIN instead.
   */
  async resume(caller: Caller, p: RequestPayload<'call.resume'>): Promise<RequestResult<'call.resume'>> {
    assertCallAllowed(caller, p.cid);
    const call = this.active.get(p.cid);
    const session = call?.sessions.get(p.sessionId);
    if (!call || !session) throw new ServiceError('NOT_FOUND', `session ${p.sessionId} is gone from ${p.cid}; rejoin`);
    if (session.userId !== caller.userId) throw new ServiceError('FORBIDDEN', 'that session belongs to another user');
    if (session.missed === null) {
      // It missed more than we keep: a clean REJOIN is the only consistent way back.
      await this.removeSession(session, 'timeout');
      throw new ServiceError('NOT_FOUND', `session ${p.sessionId} missed too much while away; rejoin`);
    }
    if (session.graceTimer) clearTimeout(session.graceTimer);
    session.graceTimer = null;
    if (session.connectionId && session.connectionId !== caller.connectionId) {
      // The old socket has not been seen closing yet: this one takes over.
      const old = this.byConnection.get(session.connectionId);
      old?.delete(session);
      if (old?.size === 0) this.byConnection.delete(session.connectionId);
    }
    session.connectionId = caller.connectionId;
    this.indexSession(session);
    const missed = session.missed.splice(0);
    // After the resume response has gone out (it is sent when this handler returns).
    setImmediate(() => {
      for (const event of missed) this.sendToSession(session, event);
    });
    this.opts.logger.info({ cid: p.cid, sessionId: session.sessionId, missedEvents: missed.length }, 'session resumed');
    const after = p.lastSeq ?? session.lastAckedSeq;
    return this.joinResult(call, session, await this.missedMessages(session, after, [session.sessionId]));
  }

  /** Messages after `afterSeq` addressed to the session's user, except those it sent itself. */
  private async missedMessages(session: LiveSession, afterSeq: number, sentBy: string[]): Promise<ChatMessage[]> {
    const stored = await this.opts.store.listMessages(session.cid, afterSeq, MAX_REPLAYED_MESSAGES);
    return stored.filter((m) => !sentBy.includes(m.sessionId) && (m.to === null || m.to.includes(session.userId)));
  }

  /** The signalling connection closed: its sessions wait out the grace period, then time out. */
  connectionClosed(connectionId: string): void {
    const sessions = this.byConnection.get(connectionId);
    if (!sessions) return;
    this.byConnection.delete(connectionId);
    for (const session of sessions) {
      session.connectionId = null;
      session.graceTimer = setTimeout(() => {
        session.graceTimer = null;
        void this.removeSession(session, 'timeout').catch((error) =>
          this.opts.logger.error({ err: error, sessionId: session.sessionId }, 'failed to remove timed-out session'),
        );
      }, this.opts.reconnectGraceMs);
      session.graceTimer.unref?.();
    }
  }

  /** Removes a session from its call, records it, and tells the others why it left. */
  async removeSession(session: LiveSession, reason: LeaveReason): Promise<void> {
    const call = this.active.get(session.cid);
    if (!call || call.sessions.get(session.sessionId) !== session) return;
    this.dropSession(call, session);
    this.opts.logger.info({ cid: session.cid, sessionId: session.sessionId, reason }, 'participant left');
    this.broadcast(call, {
      type: 'participant.left',
      payload: { cid: session.cid, sessionId: session.sessionId, userId: session.userId, reason },
    });
    this.hooks.sessionLeft(session, reason);
    await this.opts.store.markSessionLeft(session.sessionId, new Date().toISOString(), reason);
  }

  /** Changes custom data and settings (needs update-call-settings); everyone in the call is told. */
  async update(caller: Caller, p: RequestPayload<'call.update'>): Promise<CallInfo> {
    assertCallAllowed(caller, p.cid);
    const { type: typeName } = splitCid(p.cid);
    const type = await this.callType(typeName);
    const loaded = await this.loadCall(p.cid);
    if (!loaded) throw new ServiceError('NOT_FOUND', `call ${p.cid} does not exist`);
    const session = this.findSession(caller, p.cid);
    const live = this.active.get(p.cid);
    const caps = session
      ? session.capabilities
      : effectiveCapabilities(type, rolesInCall(caller, loaded.record, loaded.members), live?.userStates.get(caller.userId) ?? { granted: [], censored: [] });
    requireIn(caps, 'update-call-settings', 'you');
    checkCustom(p.custom, 'custom');
    return this.queue.run(p.cid, async () => {
      const record = loaded.record;
      if (p.custom !== undefined) record.custom = p.custom;
      if (p.settings !== undefined) record.settings = { ...record.settings, ...p.settings };
      await this.opts.store.updateCall(p.cid, { custom: record.custom, settings: record.settings });
      const info = this.toCallInfo(record, type, loaded.members);
      if (live) this.broadcast(live, { type: 'call.updated', payload: { cid: p.cid, call: info } });
      return info;
    });
  }

  /** Ends the call for everyone (creator, admin or host): stored as ended, never joinable again. */
  async endCall(caller: Caller, cid: string): Promise<void> {
    assertCallAllowed(caller, cid);
    const { type: typeName, id } = splitCid(cid);
    const type = await this.callType(typeName);
    const loaded = await this.loadCall(cid);
    if (!loaded) throw new ServiceError('NOT_FOUND', `call ${cid} does not exist`);
    requireCapability(type, rolesInCall(caller, loaded.record, loaded.members), 'end-call');
    await this.queue.run(cid, async () => {
      if (loaded.record.endedAt) throw new ServiceError('CONFLICT', `call ${typeName}:${id} has already ended`);
      const at = new Date().toISOString();
      loaded.record.endedAt = at;
      await this.opts.store.markCallEnded(cid, at);
      this.opts.logger.info({ cid, by: caller.userId }, 'call ended');
      const call = this.active.get(cid);
      if (call) {
        this.broadcast(call, { type: 'call.ended', payload: { cid } });
        for (const session of [...call.sessions.values()]) {
          this.dropSession(call, session);
          this.hooks.sessionLeft(session, 'ended');
          await this.opts.store.markSessionLeft(session.sessionId, at, 'ended');
        }
      }
      this.hooks.callEnded(cid);
    });
  }

  private dropSession(call: ActiveCall, session: LiveSession): void {
    if (session.graceTimer) clearTimeout(session.graceTimer);
    session.graceTimer = null;
    call.sessions.delete(session.sessionId);
    if (session.connectionId) {
      const set = this.byConnection.get(session.connectionId);
      set?.delete(session);
      if (set?.size === 0) this.byConnection.delete(session.connectionId);
    }
    if (call.sessions.size === 0) this.active.delete(call.record.cid);
  }

  private indexSession(session: LiveSession): void {
    if (!session.connectionId) return;
    let set = this.byConnection.get(session.connectionId);
    if (!set) this.byConnection.set(session.connectionId, (set = new Set()));
    set.add(session);
  }

  // ---- lookups used by the relay --------------------------------------------------------------

  /** The caller's session in `cid` on this connection, if it joined. */
  findSession(caller: Pick<Caller, 'connectionId'>, cid: string): LiveSession | undefined {
    for (const s of this.byConnection.get(caller.connectionId) ?? []) if (s.cid === cid) return s;
    return undefined;
  }

  /** The caller's session in `cid` on this connection; NOT_FOUND when it has not joined. */
  sessionOf(caller: Pick<Caller, 'connectionId'>, cid: string): LiveSession {
    const session = this.findSession(caller, cid);
    if (!session) throw new ServiceError('NOT_FOUND', `you have not joined call ${cid}`);
    return session;
  }

  activeCall(cid: string): ActiveCall {
    const call = this.active.get(cid);
    if (!call) throw new ServiceError('NOT_FOUND', `call ${cid} has no participants`);
    return call;
  }

  /** Sends an event to every session of a call, except `exceptSessionId`. */
  broadcast(call: ActiveCall, event: ServerEvent, exceptSessionId?: string): void {
    for (const s of call.sessions.values()) if (s.sessionId !== exceptSessionId) this.sendToSession(s, event);
  }

  /** Sends to the session's socket, or keeps the event for a FAST resume while the socket is gone. */
  sendToSession(session: LiveSession, event: ServerEvent): void {
    if (session.connectionId) {
      this.opts.notifier.toConnection(session.connectionId, event);
      return;
    }
    if (event.type === 'message' || session.missed === null) return;
    if (session.missed.length >= MAX_MISSED_EVENTS) session.missed = null;
    else session.missed.push(event);
  }

  get sessionCount(): number {
    let n = 0;
    for (const c of this.active.values()) n += c.sessions.size;
    return n;
  }

  /** Clears every timer (server shutdown). Sessions stay open in storage and are closed on next start. */
  close(): void {
    for (const call of this.active.values()) {
      for (const s of call.sessions.values()) if (s.graceTimer) clearTimeout(s.graceTimer);
    }
    this.active.clear();
    this.byConnection.clear();
  }
}

function dedupeMembers(members: Member[]): Member[] {
  const byId = new Map<string, Member>();
  for (const m of members) byId.set(m.userId, m);
  return [...byId.values()];
}
