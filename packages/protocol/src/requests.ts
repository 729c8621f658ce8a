import { z } from 'zod';
import {
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
    }),
    result: z.object({
      call: CallInfo,
      sessionId: SessionId,
      participants: z.array(Participant),
      iceServers: z.array(IceServer),
      mediaPath: MediaPath,
    }),
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
      data: z.unknown(),
      to: z.array(UserId).min(1).max(MAX_MESSAGE_RECIPIENTS).optional(),
    }),
    result: z.object({ message: ChatMessage }),
  },
} as const;

export type RequestType = keyof typeof REQUESTS;
export const REQUEST_TYPES = Object.keys(REQUESTS) as RequestType[];
export type RequestPayload<T extends RequestType> = z.infer<(typeof REQUESTS)[T]['payload']>;
export type RequestResult<T extends RequestType> = z.infer<(typeof REQUESTS)[T]['result']>;

export type ClientRequest = {
  [T in RequestType]: { type: T; requestId: string; payload: RequestPayload<T> };
}[RequestType];
