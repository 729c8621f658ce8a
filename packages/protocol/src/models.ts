import { z } from 'zod';
import { CALL_ID_PATTERN, CALL_TYPE_PATTERN, CID_PATTERN, USER_ID_PATTERN } from './ids.js';

/** Identifiers: printable, bounded, no whitespace. Call types and ids are kept URL-safe. */
export const CallTypeName = z.string().regex(CALL_TYPE_PATTERN, 'call type must be 1-64 of a-z 0-9 _ -');
export const CallId = z.string().regex(CALL_ID_PATTERN, 'call id must be 1-64 of A-Z a-z 0-9 _ -');
export const UserId = z.string().regex(USER_ID_PATTERN, 'user id must be 1-128 of A-Z a-z 0-9 _ @ . + -');
export const SessionId = z.string().min(1).max(64);
export const Cid = z
  .string()
  .regex(CID_PATTERN, 'cid must be "type:id"');

/** What a role (or a grant) lets a participant do in a call; enforced by the server on every request. */
export const CAPABILITIES = [
  'create-call',
  'join-call',
  'publish-audio',
  'publish-video',
  'publish-screen',
  'subscribe',
  'send-message',
  'send-custom-event',
  'ring',
  'end-call',
  'kick',
  'block',
  'mute-others',
  'censor',
  'update-call-settings',
  'grant-permissions',
] as const;
export const Capability = z.enum(CAPABILITIES);
export type Capability = z.infer<typeof Capability>;

export const TrackKind = z.enum(['audio', 'video', 'screen']);
export type TrackKind = z.infer<typeof TrackKind>;

/** Free-form JSON the app attaches to calls, members and messages. */
export const CustomData = z.record(z.string(), z.unknown());
export type CustomData = z.infer<typeof CustomData>;

/** A published stream: its msid stream id, what it carries and an optional app label (seed 002). */
export const StreamInfo = z.object({
  streamId: z.string().min(1).max(128),
  kind: TrackKind,
  label: z.string().max(256).optional(),
});
export type StreamInfo = z.infer<typeof StreamInfo>;

export const Participant = z.object({
  sessionId: SessionId,
  userId: UserId,
  name: z.string(),
  roles: z.array(z.string()),
  publishedTracks: z.array(TrackKind),
  /** Kinds a moderator disabled; the participant cannot publish them until uncensored. */
  censoredTracks: z.array(TrackKind),
  streams: z.array(StreamInfo),
  joinedAt: z.string(),
});
export type Participant = z.infer<typeof Participant>;

export const Member = z.object({
  userId: UserId,
  role: z.string().max(64).optional(),
  custom: CustomData.optional(),
});
export type Member = z.infer<typeof Member>;

export const CallSettings = z.object({
  ringTimeoutMs: z.number().int().min(100).max(600_000).optional(),
  maxParticipants: z.number().int().min(1).max(10_000).optional(),
});
export type CallSettings = z.infer<typeof CallSettings>;

export const MediaPath = z.enum(['p2p', 'sfu']);
export type MediaPath = z.infer<typeof MediaPath>;

export const CallInfo = z.object({
  type: CallTypeName,
  id: CallId,
  cid: Cid,
  createdBy: UserId,
  custom: CustomData,
  settings: z.object({ ringTimeoutMs: z.number().int(), maxParticipants: z.number().int() }),
  members: z.array(Member),
  mediaPath: MediaPath,
  createdAt: z.string(),
  endedAt: z.string().nullable(),
  participantCount: z.number().int(),
});
export type CallInfo = z.infer<typeof CallInfo>;

export const IceServer = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServer>;

export const SessionDescription = z.object({
  type: z.enum(['offer', 'answer', 'pranswer', 'rollback']),
  sdp: z.string().max(256 * 1024).optional(),
});
export type SessionDescription = z.infer<typeof SessionDescription>;

export const IceCandidate = z.object({
  candidate: z.string().max(2048),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(1024).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});
export type IceCandidate = z.infer<typeof IceCandidate>;

export const LeaveReason = z.enum(['left', 'kicked', 'timeout']);
export type LeaveReason = z.infer<typeof LeaveReason>;

export const ChatMessage = z.object({
  id: z.string(),
  seq: z.number().int(),
  cid: Cid,
  from: UserId,
  sessionId: SessionId,
  data: z.unknown(),
  to: z.array(UserId).nullable(),
  createdAt: z.string(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;
