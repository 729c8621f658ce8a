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
import { PUBLISH_CAPABILITY, requireCapability } from './permissions.js';
import { KeyedSerialQueue } from './serial-queue.js';
import { type Caller, toParticipant } from './types.js';

/**
 * What flows between the sessions of a joined call: p2p signalling (offers, answers, candidates),
 * published-track changes, and app messages (stored, sequenced, delivered in order).
 */
export class SessionRelay {
  private readonly messageQueue = new KeyedSerialQueue();

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
    for (const kind of added) requireCapability(call.type, session.roles, PUBLISH_CAPABILITY[kind]);
    if (call.type.audioOnly && added.some((k) => k !== 'audio')) {
      throw new ServiceError('INVALID_ARGUMENT', `${call.type.name} calls are audio only`);
    }
    session.publishedTracks = next;
    session.streams = p.streams;
    const cid = p.cid;
    const emit = (type: 'track.published' | 'track.unpublished', kind: TrackKind) =>
      this.calls.broadcast(call, { type, payload: { cid, sessionId: session.sessionId, kind } }, session.sessionId);
    // participant.updated first, so a listener of track.published already sees the new state.
    this.calls.broadcast(call, { type: 'participant.updated', payload: { cid, participant: toParticipant(session) } }, session.sessionId);
    for (const kind of added) emit('track.published', kind);
    for (const kind of removed) emit('track.unpublished', kind);
  }

  ack(caller: Caller, p: RequestPayload<'message.ack'>): void {
    const session = this.calls.sessionOf(caller, p.cid);
    session.lastAckedSeq = Math.max(session.lastAckedSeq, p.seq);
  }

  async sendMessage(caller: Caller, p: RequestPayload<'message.send'>): Promise<ChatMessage> {
    const session = this.calls.sessionOf(caller, p.cid);
    const call = this.calls.activeCall(p.cid);
    requireCapability(call.type, session.roles, 'send-message');
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
      for (const s of call.sessions.values()) {
        if (s === session || (to && !to.includes(s.userId))) continue;
        this.calls.sendToSession(s, { type: 'message', payload: { cid: p.cid, message } });
      }
      return message;
    });
  }
}
