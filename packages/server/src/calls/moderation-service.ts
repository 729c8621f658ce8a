import type { Capability, RequestPayload, TrackKind } from '@confab/protocol';
import { ServiceError } from '../errors.js';
import type { CallUserState, UserStateStore } from '../store/user-state-store.js';
import type { CallService } from './call-service.js';
import { PUBLISH_CAPABILITY, requireIn } from './permissions.js';
import type { ActiveCall, Caller, LiveSession } from './types.js';

const PUBLISH_KIND: Record<string, TrackKind> = { 'publish-audio': 'audio', 'publish-video': 'video', 'publish-screen': 'screen' };

/**
 * Moderation (seed 003): kick (and block), mute others, censor a track, and permission requests
 * with grants and revokes. Every request is checked against the moderator's capabilities.
 */
export class ModerationService {
  constructor(
    private readonly calls: CallService,
    private readonly userStates: UserStateStore,
  ) {}

  /** The caller's session, the call, and a check that it holds `capability`. */
  private moderator(caller: Caller, cid: string, capability: Capability): { call: ActiveCall; session: LiveSession } {
    const session = this.calls.sessionOf(caller, cid);
    requireIn(session.capabilities, capability, 'you');
    return { call: this.calls.activeCall(cid), session };
  }

  private sessionsOf(call: ActiveCall, userId: string): LiveSession[] {
    return [...call.sessions.values()].filter((s) => s.userId === userId);
  }

  private async updateState(call: ActiveCall, userId: string, change: (s: CallUserState) => CallUserState): Promise<CallUserState> {
    const current = call.userStates.get(userId) ?? (await this.userStates.get(call.record.cid, userId));
    const next = change({ granted: [...current.granted], blocked: current.blocked, censored: [...current.censored] });
    await this.userStates.put(call.record.cid, userId, next);
    call.userStates.set(userId, next);
    return next;
  }

  async kick(caller: Caller, p: RequestPayload<'moderation.kick'>): Promise<void> {
    const { call } = this.moderator(caller, p.cid, 'kick');
    if (p.userId === caller.userId) throw new ServiceError('INVALID_ARGUMENT', 'you cannot kick yourself; leave the call instead');
    if (p.block) requireIn(this.calls.sessionOf(caller, p.cid).capabilities, 'block', 'you');
    const targets = this.sessionsOf(call, p.userId);
    if (targets.length === 0 && !p.block) throw new ServiceError('NOT_FOUND', `${p.userId} is not in call ${p.cid}`);
    if (p.block) await this.updateState(call, p.userId, (s) => ({ ...s, blocked: true }));
    for (const target of targets) {
      this.calls.sendToSession(target, { type: 'kicked', payload: { cid: p.cid, by: caller.userId, blocked: p.block === true } });
      await this.calls.removeSession(target, 'kicked');
    }
  }

  async unblock(caller: Caller, p: RequestPayload<'moderation.unblock'>): Promise<void> {
    const { call } = this.moderator(caller, p.cid, 'block');
    await this.updateState(call, p.userId, (s) => ({ ...s, blocked: false }));
  }

  /** Turns a participant's track off; they are told and may turn it on again. */
  async mute(caller: Caller, p: RequestPayload<'moderation.mute'>): Promise<void> {
    const { call } = this.moderator(caller, p.cid, 'mute-others');
    const targets = this.sessionsOf(call, p.userId);
    if (targets.length === 0) throw new ServiceError('NOT_FOUND', `${p.userId} is not in call ${p.cid}`);
    for (const target of targets) {
      this.calls.sendToSession(target, { type: 'track.muted', payload: { cid: p.cid, kind: p.kind, by: caller.userId } });
      this.unpublish(call, target, p.kind);
    }
  }

  /** Censors (or uncensors) a kind for a user: off, and not theirs to turn on until uncensored. */
  async censor(caller: Caller, p: RequestPayload<'moderation.censor'>): Promise<void> {
    const { call } = this.moderator(caller, p.cid, 'censor');
    await this.updateState(call, p.userId, (s) => ({
      ...s,
      censored: p.censored ? [...new Set([...s.censored, p.kind])] : s.censored.filter((k) => k !== p.kind),
    }));
    this.calls.refreshCapabilities(call, p.userId);
    const type = p.censored ? 'track.censored' : 'track.uncensored';
    this.calls.broadcast(call, { type, payload: { cid: p.cid, userId: p.userId, kind: p.kind, by: caller.userId } });
    for (const target of this.sessionsOf(call, p.userId)) {
      if (p.censored) this.unpublish(call, target, p.kind);
      else this.calls.broadcast(call, { type: 'participant.updated', payload: { cid: p.cid, participant: this.calls.participantOf(call, target) } });
    }
  }

  /** A participant asks the call's moderators for permission to publish. */
  request(caller: Caller, p: RequestPayload<'permission.request'>): void {
    const session = this.calls.sessionOf(caller, p.cid);
    const call = this.calls.activeCall(p.cid);
    const wanted = p.capabilities.filter((c) => !session.capabilities.has(c));
    if (wanted.length === 0) return;
    if (wanted.some((c) => call.userStates.get(caller.userId)?.censored.includes(PUBLISH_KIND[c]!))) {
      throw new ServiceError('FORBIDDEN', 'a moderator censored that track; ask them to uncensor it');
    }
    const moderators = [...call.sessions.values()].filter((s) => s.capabilities.has('grant-permissions'));
    if (moderators.length === 0) throw new ServiceError('UNAVAILABLE', 'nobody in the call can grant permissions right now');
    for (const m of moderators) {
      this.calls.sendToSession(m, { type: 'permission.requested', payload: { cid: p.cid, userId: caller.userId, name: session.name, capabilities: wanted } });
    }
  }

  /** Grants, revokes or denies capabilities of a user in the call. */
  async update(caller: Caller, p: RequestPayload<'permission.update'>): Promise<void> {
    const { call } = this.moderator(caller, p.cid, 'grant-permissions');
    const grant = p.grant ?? [];
    const revoke = p.revoke ?? [];
    if (grant.length + revoke.length > 0) {
      await this.updateState(call, p.userId, (s) => ({
        ...s,
        granted: [...new Set([...s.granted, ...grant])].filter((c) => !revoke.includes(c)),
      }));
      this.calls.refreshCapabilities(call, p.userId);
      // A revoked publishing right stops what is being published under it.
      for (const target of this.sessionsOf(call, p.userId)) {
        for (const kind of [...target.publishedTracks]) if (!target.capabilities.has(PUBLISH_CAPABILITY[kind])) this.unpublish(call, target, kind);
      }
    }
    if (p.deny?.length) {
      for (const target of this.sessionsOf(call, p.userId)) {
        this.calls.sendToSession(target, { type: 'permission.denied', payload: { cid: p.cid, capabilities: p.deny, by: caller.userId } });
      }
    }
  }

  /** Marks a kind unpublished for a session and tells the others (the client turns its track off). */
  private unpublish(call: ActiveCall, session: LiveSession, kind: TrackKind): void {
    if (!session.publishedTracks.includes(kind)) return;
    session.publishedTracks = session.publishedTracks.filter((k) => k !== kind);
    const cid = call.record.cid;
    this.calls.broadcast(call, { type: 'participant.updated', payload: { cid, participant: this.calls.participantOf(call, session) } });
    this.calls.broadcast(call, { type: 'track.unpublished', payload: { cid, sessionId: session.sessionId, kind } }, session.sessionId);
    this.calls.hooks.tracksChanged(session, [], [kind]);
  }
}
