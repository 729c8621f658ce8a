import { z } from 'zod';
import {
  Capability,
  CallId,
  CallInfo,
  CallSettings,
  CallTypeName,
  ChatMessage,
  Cid,
  CustomData,
  IceCandidate,
  IceServer,
  Member,
  MediaPath,
  Participant,
  SessionDescription,
  SessionId,
  StreamInfo,
  TrackKind,
  UserId,
} from './models.js';
import { MAX_MEMBERS_PER_CALL, MAX_MESSAGE_RECIPIENTS } from './limits.js';

const CallRef = z.object({ cid: Cid });

const CreateOptions = {
  members: z.array(Member).max(MAX_MEMBERS_PER_CALL).optional(),
  custom: CustomData.optional(),
  settings: CallSettings.optional(),
  ring: z.boolean().optional(),
};

/** What the app publishes as it joins, so others see it in the join snapshot. */
const PublishState = z.object({
  publishedTracks: z.array(TrackKind).max(3),
  streams: z.array(StreamInfo).max(8),
});

const JoinResult = z.object({
  call: CallInfo,
  sessionId: SessionId,
  participants: z.array(Participant),
  iceServers: z.array(IceServer),
  mediaPath: MediaPath,
  /** Messages after the lastSeq the client gave, in order (recovery replay). */
  missedMessages: z.array(ChatMessage),
  /** What this participant may do in the call. */
  ownCapabilities: z.array(Capability),
});

const ModerationTarget = z.object({ cid: Cid, userId: UserId });
const Sdp = z.string().min(1).max(256 * 1024);
/** What a subscriber wants of one published kind: its render size, or paused. */
const SubscriptionOptions = z.object({
  maxWidth: z.number().int().min(1).max(8192).optional(),
  maxHeight: z.number().int().min(1).max(8192).optional(),
  paused: z.boolean().optional(),
});
const SubscriptionTarget = z.object({ cid: Cid, sessionId: SessionId, kind: TrackKind });
const PublishCapability = z.enum(['publish-audio', 'publish-video', 'publish-screen']);

/**
 * Every request the client can send: its payload schema and its result schema.
 * The server handles each of them (a mapped type makes the compiler check that).
 */
export const REQUESTS = {
  auth: { payload: z.object({ token: z.string().min(1).max(8192) }), result: z.object({ userId: UserId }) },
  ping: { payload: z.object({}), result: z.object({ now: z.number() }) },
  'call.get': {
    payload: z.object({ type: CallTypeName, id: CallId }),
    result: z.object({ call: CallInfo }),
  },
  'call.getOrCreate': {
    payload: z.object({ type: CallTypeName, id: CallId, ...CreateOptions }),
    result: z.object({ call: CallInfo, created: z.boolean() }),
  },
  'call.join': {
    payload: z.object({
      type: CallTypeName,
      id: CallId,
      create: z.boolean().optional(),
      ...CreateOptions,
      publish: PublishState.optional(),
      /** REJOIN: the session this one replaces (dropped at once if the server still has it). */
      previousSessionId: SessionId.optional(),
      /** The last message sequence number this client processed; later ones come back in missedMessages. */
      lastSeq: z.number().int().min(0).optional(),
      /** SFU calls: start with manual subscriptions (nothing flows until asked for) instead of auto. */
      subscriptionMode: z.enum(['auto', 'manual']).optional(),
    }),
    result: JoinResult,
  },
  /** FAST recovery: take a session back on a new connection; NOT_FOUND means REJOIN instead. */
  'call.resume': {
    payload: z.object({ cid: Cid, sessionId: SessionId, lastSeq: z.number().int().min(0).optional() }),
    result: JoinResult,
  },
  /** Changes the call's custom data and settings (needs update-call-settings). */
  'call.update': {
    payload: z.object({ cid: Cid, custom: CustomData.optional(), settings: CallSettings.optional() }),
    result: z.object({ call: CallInfo }),
  },
  'call.leave': { payload: CallRef, result: z.object({}) },
  'call.ring': { payload: CallRef, result: z.object({ ringing: z.array(UserId) }) },
  'call.accept': { payload: CallRef, result: z.object({}) },
  'call.reject': {
    payload: z.object({ cid: Cid, reason: z.string().max(256).optional() }),
    result: z.object({}),
  },
  'call.end': { payload: CallRef, result: z.object({}) },
  'tracks.update': {
    payload: z.object({ cid: Cid, ...PublishState.shape }),
    result: z.object({}),
  },
  signal: {
    payload: z.object({
      cid: Cid,
      to: SessionId,
      description: SessionDescription.optional(),
      candidate: IceCandidate.nullable().optional(),
    }),
    result: z.object({}),
  },
  'message.send': {
    payload: z.object({
      cid: Cid,
      /** A client-chosen id: sending the same id twice stores and delivers the message once. */
      id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/).optional(),
      data: z.unknown(),
      to: z.array(UserId).min(1).max(MAX_MESSAGE_RECIPIENTS).optional(),
    }),
    result: z.object({ message: ChatMessage }),
  },
  /** The last message sequence number the client processed (replay starts after it). */
  'message.ack': { payload: z.object({ cid: Cid, seq: z.number().int().min(0) }), result: z.object({}) },
  /** Message history visible to the caller, newest last: before a sequence number, at most `limit`. */
  'message.query': {
    payload: z.object({ cid: Cid, before: z.number().int().min(1).optional(), limit: z.number().int().min(1).max(200).optional() }),
    result: z.object({ messages: z.array(ChatMessage) }),
  },
  /** An app event to everyone or some: not stored, not a chat message. */
  'event.send': {
    payload: z.object({ cid: Cid, data: z.unknown(), to: z.array(UserId).min(1).max(MAX_MESSAGE_RECIPIENTS).optional() }),
    result: z.object({}),
  },
  'moderation.kick': { payload: ModerationTarget.extend({ block: z.boolean().optional() }), result: z.object({}) },
  'moderation.unblock': { payload: ModerationTarget, result: z.object({}) },
  'moderation.mute': { payload: ModerationTarget.extend({ kind: TrackKind }), result: z.object({}) },
  'moderation.censor': { payload: ModerationTarget.extend({ kind: TrackKind, censored: z.boolean() }), result: z.object({}) },
  /** A participant (typically a guest) asks the hosts for permission to publish. */
  'permission.request': { payload: z.object({ cid: Cid, capabilities: z.array(PublishCapability).min(1).max(3) }), result: z.object({}) },
  /** A host grants, revokes or denies capabilities for a user in the call. */
  'permission.update': {
    payload: ModerationTarget.extend({
      grant: z.array(Capability).max(16).optional(),
      revoke: z.array(Capability).max(16).optional(),
      deny: z.array(PublishCapability).max(3).optional(),
    }),
    result: z.object({}),
  },
  /** SFU calls: publish one source; the offer is of a peer connection carrying just that track. */
  'sfu.publish': { payload: z.object({ cid: Cid, kind: TrackKind, offer: Sdp }), result: z.object({ answer: Sdp }) },
  'sfu.unpublish': { payload: z.object({ cid: Cid, kind: TrackKind }), result: z.object({}) },
  /** FAST recovery of an SFU media path: a fresh endpoint under the same session; publish again. */
  'sfu.restart': { payload: z.object({ cid: Cid }), result: z.object({}) },
  /** The browser's answer to the last sfu.offer (the SFU's subscriber connection). */
  'sfu.answer': { payload: z.object({ cid: Cid, sdp: Sdp }), result: z.object({}) },
  /** A trickled browser candidate for the subscriber connection or a publisher connection. */
  'sfu.candidate': {
    payload: z.object({
      cid: Cid,
      target: z.union([z.literal('subscriber'), TrackKind]),
      candidate: z.string().max(2048),
      sdpMid: z.string().max(64).nullable().optional(),
    }),
    result: z.object({}),
  },
  /**
   * Selective subscriptions (seed 003): receive, resize or drop one participant's audio, video or
   * screen. The first such call switches the session from automatic to manual subscriptions.
   */
  'sfu.subscribe': { payload: SubscriptionTarget.extend(SubscriptionOptions.shape), result: z.object({}) },
  'sfu.unsubscribe': { payload: SubscriptionTarget, result: z.object({}) },
  /** auto: the server picks (everyone's audio, video of up to 25 others, speakers first); manual: only what was asked for. */
  'sfu.subscriptionMode': { payload: z.object({ cid: Cid, mode: z.enum(['auto', 'manual']) }), result: z.object({}) },
} as const;

export type RequestType = keyof typeof REQUESTS;
export const REQUEST_TYPES = Object.keys(REQUESTS) as RequestType[];
export type RequestPayload<T extends RequestType> = z.infer<(typeof REQUESTS)[T]['payload']>;
export type RequestResult<T extends RequestType> = z.infer<(typeof REQUESTS)[T]['result']>;

export type ClientRequest = {
  [T in RequestType]: { type: T; requestId: string; payload: RequestPayload<T> };
}[RequestType];
