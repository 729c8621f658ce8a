import type { Logger } from 'pino';
import { splitCid, type ServerEvent } from '@confab/protocol';
import { assertCallAllowed } from '../auth/tokens.js';
import { ServiceError } from '../errors.js';
import type { RingStore } from '../store/ring-store.js';
import type { CallService } from './call-service.js';
import { requireCapability, rolesInCall } from './permissions.js';
import type { RingChannel, RingOutcome } from './ring-channels.js';
import type { Caller, LiveSession, Notifier } from './types.js';

type CalleeStatus = 'ringing' | 'accepted' | 'rejected' | 'missed' | 'cancelled';

interface Callee {
  status: CalleeStatus;
  round: number;
  timer: NodeJS.Timeout | null;
}

/** The ringing of one call: who rang, and each callee's state. */
interface Ringing {
  cid: string;
  rungBy: string;
  callees: Map<string, Callee>;
}

export interface RingServiceOptions {
  calls: CallService;
  store: RingStore;
  notifier: Notifier;
  channels: RingChannel[];
  logger: Logger;
}

/**
 * Ringing (seeds 000 and 004): rings a call's members on every connected device, tracks accept,
 * reject, missed and cancel, tells the caller side, stops the other devices, and records it all.
 */
export class RingService {
  private readonly ringing = new Map<string, Ringing>();

  constructor(private readonly opts: RingServiceOptions) {
    opts.calls.hooks.add({
      sessionJoined: (s) => this.onSessionJoined(s),
      sessionLeft: (s) => this.onSessionLeft(s),
      callEnded: (cid) => this.stopAll(cid, 'ended'),
    });
  }

  /** Rings the call's members who are not in it; returns who is now ringing. */
  async ring(caller: Caller, cid: string): Promise<string[]> {
    assertCallAllowed(caller, cid);
    const { calls } = this.opts;
    const { type: typeName, id } = splitCid(cid);
    const info = await calls.get(caller, typeName, id);
    const type = await calls.callType(typeName);
    if (info.endedAt) throw new ServiceError('CONFLICT', `call ${cid} has ended`);
    const live = calls.active.get(cid);
    const inCall = new Set([...(live?.sessions.values() ?? [])].map((s) => s.userId));
    const isMember = info.members.some((m) => m.userId === caller.userId);
    if (info.createdBy !== caller.userId && !isMember && !inCall.has(caller.userId)) {
      throw new ServiceError('FORBIDDEN', `only the creator and the members of ${cid} may ring it`);
    }
    requireCapability(type, rolesInCall(caller, info, info.members), 'ring');
    const state = this.ringing.get(cid) ?? { cid, rungBy: caller.userId, callees: new Map<string, Callee>() };
    const targets = info.members
      .map((m) => m.userId)
      .filter((u) => u !== caller.userId && !inCall.has(u) && state.callees.get(u)?.status !== 'ringing');
    if (targets.length === 0) return [];
    state.rungBy = caller.userId;
    this.ringing.set(cid, state);
    const round = await this.opts.store.nextRound(cid);
    const rungAt = new Date().toISOString();
    await this.opts.store.insert(
      targets.map((userId) => ({ cid, userId, round, rungBy: caller.userId, status: 'ringing' as const, reason: null, rungAt, answeredAt: null })),
    );
    const from = { userId: caller.userId, name: caller.name };
    for (const userId of targets) {
      const timer = setTimeout(() => void this.missed(cid, userId), info.settings.ringTimeoutMs);
      timer.unref();
      state.callees.set(userId, { status: 'ringing', round, timer });
      this.opts.notifier.toUser(userId, { type: 'call.ring', payload: { call: info, from, custom: info.custom } });
    }
    const recipients = targets.map((userId) => ({ userId, online: this.opts.notifier.isOnline(userId) }));
    for (const channel of this.opts.channels) channel.ring({ call: info, from, recipients, rungAt });
    this.opts.logger.info({ cid, by: caller.userId, targets }, 'ringing');
    return targets;
  }

  /** The callee takes the call on this device; their other devices stop ringing. */
  async accept(caller: Caller, cid: string): Promise<void> {
    assertCallAllowed(caller, cid);
    await this.answer(caller, cid, 'accepted', null);
  }

  /** The callee declines; all their devices stop ringing and the caller side is told why. */
  async reject(caller: Caller, cid: string, reason: string | null): Promise<void> {
    assertCallAllowed(caller, cid);
    await this.answer(caller, cid, 'rejected', reason);
  }

  private async answer(caller: Caller, cid: string, status: 'accepted' | 'rejected', reason: string | null): Promise<void> {
    const callee = this.ringing.get(cid)?.callees.get(caller.userId);
    if (!callee || callee.status !== 'ringing') {
      const last = (await this.opts.store.list(cid)).filter((r) => r.userId === caller.userId).at(-1);
      const already = last ? ` (its last ring to you was ${last.status === 'cancelled' ? 'cancelled' : `already ${last.status}`})` : '';
      throw new ServiceError('CONFLICT', `call ${cid} is not ringing you${already}`);
    }
    await this.settle(cid, caller.userId, status, reason, new Set([caller.connectionId]));
  }

  /** Records a callee's outcome, stops their devices ringing, and tells the caller side. */
  private async settle(
    cid: string,
    userId: string,
    status: Exclude<CalleeStatus, 'ringing'>,
    reason: string | null,
    quietConnections?: ReadonlySet<string>,
    callEnded = false,
  ): Promise<void> {
    const state = this.ringing.get(cid);
    const callee = state?.callees.get(userId);
    if (!state || !callee || callee.status !== 'ringing') return;
    callee.status = status;
    if (callee.timer) clearTimeout(callee.timer);
    callee.timer = null;
    const at = new Date().toISOString();
    const stopReason = callEnded ? 'ended' : status;
    this.opts.notifier.toUser(userId, { type: 'call.ring.stopped', payload: { cid, reason: stopReason } }, quietConnections);
    if (status === 'accepted') this.toCallerSide(state, { type: 'call.accepted', payload: { cid, userId } });
    if (status === 'rejected') this.toCallerSide(state, { type: 'call.rejected', payload: { cid, userId, reason } });
    if (status === 'missed') this.toCallerSide(state, { type: 'call.missed', payload: { cid, userId } });
    const outcome: RingOutcome['type'] = status === 'cancelled' ? 'call.ring.cancelled' : `call.${status}`;
    for (const channel of this.opts.channels) channel.outcome?.({ type: outcome, cid, userId, reason, at });
    if (![...state.callees.values()].some((c) => c.status === 'ringing')) this.ringing.delete(cid);
    await this.opts.store.setStatus(cid, userId, callee.round, status, reason, at);
  }

  private async missed(cid: string, userId: string): Promise<void> {
    await this.settle(cid, userId, 'missed', null).catch((error) => this.opts.logger.error({ err: error, cid }, 'recording a missed ring failed'));
  }

  /** Sends to everyone in the call and to every device of whoever rang, once each. */
  private toCallerSide(state: Ringing, event: ServerEvent): void {
    const sent = new Set<string>();
    for (const s of this.opts.calls.active.get(state.cid)?.sessions.values() ?? []) {
      if (s.connectionId && !sent.has(s.connectionId)) {
        sent.add(s.connectionId);
        this.opts.notifier.toConnection(s.connectionId, event);
      }
    }
    this.opts.notifier.toUser(state.rungBy, event, sent);
  }

  /** Stops every ring still ringing in a call (caller gone, or call ended). */
  stopAll(cid: string, why: 'cancelled' | 'ended'): void {
    const state = this.ringing.get(cid);
    if (!state) return;
    for (const [userId, callee] of state.callees) {
      if (callee.status !== 'ringing') continue;
      void this.settle(cid, userId, 'cancelled', why, undefined, why === 'ended').catch((error) => this.opts.logger.error({ err: error, cid }, 'recording a cancelled ring failed'));
    }
  }

  /** The caller cancels before anyone answered (also what the caller's leave() does). */
  cancelByCaller(caller: Caller, cid: string): boolean {
    const state = this.ringing.get(cid);
    if (!state || state.rungBy !== caller.userId) return false;
    this.stopAll(cid, 'cancelled');
    return true;
  }

  isRinging(cid: string, userId: string): boolean {
    return this.ringing.get(cid)?.callees.get(userId)?.status === 'ringing';
  }

  /** A device that connects while its user is being rung gets the ring too. */
  async onUserConnected(userId: string, connectionId: string): Promise<void> {
    for (const state of this.ringing.values()) {
      if (state.callees.get(userId)?.status !== 'ringing') continue;
      const { type, id } = splitCid(state.cid);
      const info = await this.opts.calls.get({ callCids: null }, type, id).catch(() => null);
      if (!info) continue;
      const from = { userId: state.rungBy, name: this.nameOf(state) };
      this.opts.notifier.toConnection(connectionId, { type: 'call.ring', payload: { call: info, from, custom: info.custom } });
    }
  }

  private nameOf(state: Ringing): string {
    for (const s of this.opts.calls.active.get(state.cid)?.sessions.values() ?? []) if (s.userId === state.rungBy) return s.name;
    return state.rungBy;
  }

  /** A callee who joins the call directly counts as having accepted. */
  private onSessionJoined(session: LiveSession): void {
    if (this.isRinging(session.cid, session.userId)) {
      const quiet = session.connectionId ? new Set([session.connectionId]) : undefined;
      void this.settle(session.cid, session.userId, 'accepted', null, quiet).catch(() => undefined);
    }
  }

  /** The caller leaving before anyone answered cancels the ringing. */
  private onSessionLeft(session: LiveSession): void {
    const state = this.ringing.get(session.cid);
    if (!state || state.rungBy !== session.userId) return;
    const anyoneAccepted = [...state.callees.values()].some((c) => c.status === 'accepted');
    const othersInCall = [...(this.opts.calls.active.get(session.cid)?.sessions.values() ?? [])].some((s) => s.userId !== session.userId);
    if (!anyoneAccepted && !othersInCall) this.stopAll(session.cid, 'cancelled');
  }

  close(): void {
    for (const state of this.ringing.values()) for (const c of state.callees.values()) if (c.timer) clearTimeout(c.timer);
    this.ringing.clear();
  }
}
