import { randomUUID } from 'node:crypto';
import {
  type ChatMessage,
  MAX_APP_MESSAGE_BYTES,
  type RequestPayload,
  type TrackKind,
} from '@confab/protocol';
import { ServiceError } from '../errors.js';
import type { CallStore } from '../store/call-store.js';
import type { CallService } from './call-service.js';
import { PUBLISH_CAPABILITY, requireIn } from './permissions.js';
import { TokenBucket } from '../gateway/rate-limit.js';
import { KeyedSerialQueue } from './serial-queue.js';

/** Per user: messages and custom events, across devices. */
const USER_MESSAGE_BURST = 30;
const USER_MESSAGES_PER_SECOND = 10;
import type { Caller } from './types.js';

/**
 * What flows between the sessions of a joined call: p2p signalling (offers, answers, candidates),
 * published-track changes, and app messages (stored, sequenced, delivered in order).
 */
export class SessionRelay {
  private readonly messageQueue = new KeyedSerialQueue();
  private readonly userBuckets = new Map<string, TokenBucket>();

  constructor(
    private readonly calls: CallService,
    private readonly store: CallStore,
  ) {}

  signal(caller: Caller, p: RequestPayload<'signal'>): void {
    const from = this.calls.sessionOf(caller, p.cid);
    const call = this.calls.activeCall(p.cid);
    if (call.type.mediaPath !== 'p2p') throw new ServiceError('INVALID_ARGUMENT', `${p.cid} is not a p2p call`);
    const to = call.sessions.get(p.to);
    if (!to || to === from) throw new ServiceError('NOT_FOUND', `session ${p.to} is not in call ${p.cid}`);
    const payload: { cid: string; from: string; description?: typeof p.description; candidate?: typeof p.candidate } = {
      cid: p.cid,
      from: from.sessionId,
    };
    if (p.description !== undefined) payload.description = p.description;
    if (p.candidate !== undefined) payload.candidate = p.candidate;
    // A peer that is reconnecting gets it when it resumes.
    this.calls.sendToSession(to, { type: 'signal', payload });
  }

  updateTracks(caller: Caller, p: RequestPayload<'tracks.update'>): void {
    const session = this.calls.sessionOf(caller, p.cid);
    const call = this.calls.activeCall(p.cid);
    const next = [...new Set(p.publishedTracks)];
    const added = next.filter((k) => !session.publishedTracks.includes(k));
    const removed = session.publishedTracks.filter((k) => !next.includes(k));
    for (const kind of added) requireIn(session.capabilities, PUBLISH_CAPABILITY[kind], 'you');
    if (call.type.audioOnly && added.some((k) => k !== 'audio')) {
      throw new ServiceError('INVALID_ARGUMENT', `${call.type.name} calls are audio only`);
    }
    session.publishedTracks = next;
    session.streams = p.streams;
    const cid = p.cid;
    const emit = (type: 'track.published' | 'track.unpublished', kind: TrackKind) =>
      this.calls.broadcast(call, { type, payload: { cid, sessionId: session.sessionId, kind } }, session.sessionId);
    // participant.updated first, so a listener of track.published already sees the new state.
    this.calls.broadcast(call, { type: 'participant.updated', payload: { cid, participant: this.calls.participantOf(call, session) } }, session.sessionId);
    for (const kind of added) emit('track.published', kind);
    for (const kind of removed) emit('track.unpublished', kind);
    this.calls.hooks.tracksChanged(session, added, removed);
  }

  /** History visible to the caller (to everyone, to them, or from them), oldest first. */
  async queryMessages(caller: Caller, p: RequestPayload<'message.query'>): Promise<ChatMessage[]> {
    const session = this.calls.sessionOf(caller, p.cid);
    const limit = p.limit ?? 50;
    const visible: ChatMessage[] = [];
    let before = p.before ?? Number.MAX_SAFE_INTEGER;
    // Scan backwards in pages until `limit` visible messages are found or history runs out.
    while (visible.length < limit) {
      const page = await this.store.listMessagesBefore(p.cid, before, 200);
      if (page.length === 0) break;
      for (const m of page) {
        if (m.to === null || m.to.includes(session.userId) || m.from === session.userId) visible.push(m);
        if (visible.length === limit) break;
      }
      before = page[page.length - 1]!.seq;
    }
    return visible.reverse();
  }

  /** An app event: delivered now to those present, never stored. */
  sendCustomEvent(caller: Caller, p: RequestPayload<'event.send'>): void {
    const session = this.calls.sessionOf(caller, p.cid);
    const call = this.calls.activeCall(p.cid);
    requireIn(session.capabilities, 'send-custom-event', 'you');
    if (p.data === undefined) throw new ServiceError('INVALID_ARGUMENT', 'event data is required');
    const size = Buffer.byteLength(JSON.stringify(p.data), 'utf8');
    if (size > MAX_APP_MESSAGE_BYTES) throw new ServiceError('INVALID_ARGUMENT', `event data of ${size} bytes exceeds the limit of ${MAX_APP_MESSAGE_BYTES}`);
    this.limitRate(session.userId);
    const to = p.to ? [...new Set(p.to)] : null;
    const event = { type: 'custom', payload: { cid: p.cid, from: session.userId, sessionId: session.sessionId, data: p.data, to } } as const;
    for (const s of call.sessions.values()) {
      if (s === session || !s.connectionId || (to && !to.includes(s.userId))) continue;
      this.calls.sendToSession(s, event);
    }
  }

  /** Messages and custom events per user, across all their connections. */
  private limitRate(userId: string): void {
    let bucket = this.userBuckets.get(userId);
    if (!bucket) {
      if (this.userBuckets.size > 10_000) this.userBuckets.clear();
      this.userBuckets.set(userId, (bucket = new TokenBucket(USER_MESSAGE_BURST, USER_MESSAGES_PER_SECOND)));
    }
    if (!bucket.take()) throw new ServiceError('RATE_LIMITED', 'you are sending messages too fast; slow down');
  }

  ack(caller: Caller, p: RequestPayload<'message.ack'>): void {
    const session = this.calls.sessionOf(caller, p.cid);
    session.lastAckedSeq = Math.max(session.lastAckedSeq, p.seq);
  }

  async sendMessage(caller: Caller, p: RequestPayload<'message.send'>): Promise<ChatMessage> {
    const session = this.calls.sessionOf(caller, p.cid);
    const call = this.calls.activeCall(p.cid);
    requireIn(session.capabilities, 'send-message', 'you');
    this.limitRate(session.userId);
    const size = Buffer.byteLength(JSON.stringify(p.data ?? null), 'utf8');
    if (p.data === undefined) throw new ServiceError('INVALID_ARGUMENT', 'message data is required');
    if (size > MAX_APP_MESSAGE_BYTES) {
      throw new ServiceError('INVALID_ARGUMENT', `message data of ${size} bytes exceeds the limit of ${MAX_APP_MESSAGE_BYTES}`);
    }
    // One at a time per call: sequence numbers are handed out, stored and delivered in order.
    return this.messageQueue.run(p.cid, async () => {
      if (p.id) {
        // A retry of a message the server already has (its answer was lost): no second copy.
        const existing = await this.store.getMessage(p.id);
        if (existing && (existing.cid !== p.cid || existing.sessionId !== session.sessionId && existing.from !== session.userId)) {
          throw new ServiceError('CONFLICT', `message id ${p.id} is already taken`);
        }
        if (existing) return existing;
      }
      const to = p.to ? [...new Set(p.to)] : null;
      const message: ChatMessage = {
        id: p.id ?? randomUUID(),
        seq: call.lastSeq + 1,
        cid: p.cid,
        from: session.userId,
        sessionId: session.sessionId,
        data: p.data,
        to,
        createdAt: new Date().toISOString(),
      };
      await this.store.insertMessage(message);
      call.lastSeq = message.seq;
      // One event object for every recipient: it is encoded once.
      const event = { type: 'message', payload: { cid: p.cid, message } } as const;
      for (const s of call.sessions.values()) {
        if (s === session || (to && !to.includes(s.userId))) continue;
        this.calls.sendToSession(s, event);
      }
      return message;
    });
  }
}
