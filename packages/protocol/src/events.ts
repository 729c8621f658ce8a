import { z } from 'zod';
import {
  Capability,
  CallInfo,
  ChatMessage,
  Cid,
  CustomData,
  IceCandidate,
  LeaveReason,
  Participant,
  SessionDescription,
  SessionId,
  TrackKind,
  UserId,
} from './models.js';

/** Every event the server pushes, by name, with its payload schema. */
export const EVENTS = {
  'connection.ok': z.object({ userId: UserId, connectionId: z.string() }),
  'participant.joined': z.object({ cid: Cid, participant: Participant }),
  'participant.left': z.object({ cid: Cid, sessionId: SessionId, userId: UserId, reason: LeaveReason }),
  'participant.updated': z.object({ cid: Cid, participant: Participant }),
  'track.published': z.object({ cid: Cid, sessionId: SessionId, kind: TrackKind }),
  'track.unpublished': z.object({ cid: Cid, sessionId: SessionId, kind: TrackKind }),
  signal: z.object({
    cid: Cid,
    from: SessionId,
    description: SessionDescription.optional(),
    candidate: IceCandidate.nullable().optional(),
  }),
  message: z.object({ cid: Cid, message: ChatMessage }),
  'call.ring': z.object({
    call: CallInfo,
    from: z.object({ userId: UserId, name: z.string() }),
    custom: CustomData,
  }),
  'call.ring.stopped': z.object({
    cid: Cid,
    reason: z.enum(['accepted', 'rejected', 'cancelled', 'missed', 'ended']),
  }),
  'call.accepted': z.object({ cid: Cid, userId: UserId }),
  'call.rejected': z.object({ cid: Cid, userId: UserId, reason: z.string().nullable() }),
  'call.missed': z.object({ cid: Cid, userId: UserId }),
  'call.ended': z.object({ cid: Cid }),
  /** The call's custom data or settings changed. */
  'call.updated': z.object({ cid: Cid, call: CallInfo }),
  kicked: z.object({ cid: Cid, by: UserId, blocked: z.boolean() }),
  /** A moderator turned off one of your tracks (you may turn it on again unless it is censored). */
  'track.muted': z.object({ cid: Cid, kind: TrackKind, by: UserId }),
  'track.censored': z.object({ cid: Cid, userId: UserId, kind: TrackKind, by: UserId }),
  'track.uncensored': z.object({ cid: Cid, userId: UserId, kind: TrackKind, by: UserId }),
  'permission.requested': z.object({ cid: Cid, userId: UserId, name: z.string(), capabilities: z.array(Capability) }),
  'permission.denied': z.object({ cid: Cid, capabilities: z.array(Capability), by: UserId }),
  /** Your capabilities in the call changed (a grant, a revoke, a censor). */
  'capabilities.updated': z.object({ cid: Cid, capabilities: z.array(Capability) }),
  custom: z.object({ cid: Cid, from: UserId, sessionId: SessionId, data: z.unknown(), to: z.array(UserId).nullable() }),
  /** The server asks for a recovery it knows is needed (e.g. the SFU lost the media path). */
  'call.recover': z.object({ cid: Cid, strategy: z.enum(['fast', 'rejoin', 'migrate']), reason: z.string() }),
  /** SFU calls: apply this offer to the subscriber connection and answer with sfu.answer. */
  'sfu.offer': z.object({
    cid: Cid,
    sdp: z.string(),
    /** What each m-line carries: whose track (session) of which kind. */
    tracks: z.array(z.object({ mid: z.string(), sessionId: SessionId, kind: TrackKind })),
  }),
  'sfu.candidate': z.object({ cid: Cid, candidate: z.string(), sdpMid: z.string() }),
  /** Dynacast: the simulcast layers of your published kind somebody receives; encode only these. */
  'sfu.layers': z.object({ cid: Cid, kind: TrackKind, rids: z.array(z.string()) }),
  'subscription.started': z.object({ cid: Cid, sessionId: SessionId, kind: TrackKind }),
  'subscription.reconfigured': z.object({ cid: Cid, sessionId: SessionId, kind: TrackKind, rid: z.string().nullable() }),
  'subscription.ended': z.object({ cid: Cid, sessionId: SessionId, kind: TrackKind, reason: z.string() }),
  /** Audio activity of SFU calls, batched: levels (0..1) and speaking flags that changed. */
  'audio.levels': z.object({
    cid: Cid,
    levels: z.array(z.object({ sessionId: SessionId, level: z.number(), speaking: z.boolean() })),
  }),
  /** The loudest current speaker changed (null: nobody speaks). */
  'speaker.changed': z.object({ cid: Cid, sessionId: SessionId.nullable() }),
} as const;

export type EventName = keyof typeof EVENTS;
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];
export type EventPayload<E extends EventName> = z.infer<(typeof EVENTS)[E]>;

export type ServerEvent = { [E in EventName]: { type: E; payload: EventPayload<E> } }[EventName];
