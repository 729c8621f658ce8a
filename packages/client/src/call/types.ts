import type { CallInfo, CallSettings, Capability, CustomData, LeaveReason, Member, StreamInfo, TrackKind } from '@confab/protocol';

export type { CallInfo, CallSettings, Capability, CustomData, LeaveReason, Member, StreamInfo, TrackKind };

export type ConnectionQuality = 'unknown' | 'poor' | 'good' | 'excellent';

/** A participant of a call, as the app sees it. Immutable: a change produces a new object. */
export interface CallParticipant {
  sessionId: string;
  userId: string;
  name: string;
  isLocal: boolean;
  roles: string[];
  publishedTracks: TrackKind[];
  /** Kinds a moderator censored: off until uncensored. */
  censoredTracks: TrackKind[];
  audioStream?: MediaStream;
  videoStream?: MediaStream;
  screenShareStream?: MediaStream;
  isSpeaking: boolean;
  /** 0..1 */
  audioLevel: number;
  connectionQuality: ConnectionQuality;
  /** What each published stream carries, with the publisher's label (seed 002). */
  streams: StreamInfo[];
  joinedAt: string;
}

export interface MessageEvent {
  id: string;
  seq: number;
  /** The sender's user id. */
  from: string;
  sessionId: string;
  data: unknown;
  /** null when sent to everyone. */
  to: string[] | null;
  createdAt: string;
}

/** Every event a Call emits, with its payload. */
export interface CallEvents {
  'participant.joined': { participant: CallParticipant };
  'participant.left': { participant: CallParticipant; reason: LeaveReason };
  message: MessageEvent;
  'track.published': { sessionId: string; kind: TrackKind };
  'track.unpublished': { sessionId: string; kind: TrackKind };
  'call.accepted': { userId: string };
  'call.rejected': { userId: string; reason: string | null };
  'call.missed': { userId: string };
  'call.ended': Record<string, never>;
  /** Callee: this device stopped ringing without answering (another device answered, the caller cancelled, missed, ended). */
  'call.ring.stopped': { reason: 'accepted' | 'rejected' | 'cancelled' | 'missed' | 'ended' };
  /** You were removed from the call by a moderator (`blocked`: you cannot join it again). */
  kicked: { by?: string; blocked?: boolean };
  /** A moderator turned one of your tracks off. */
  'track.muted': { kind: TrackKind; by: string };
  'track.censored': { userId: string; kind: TrackKind; by: string };
  'track.uncensored': { userId: string; kind: TrackKind; by: string };
  /** For moderators: someone asks for permission to publish. */
  'permission.requested': { userId: string; name: string; capabilities: Capability[] };
  /** A moderator denied what you asked for. */
  'permission.denied': { capabilities: Capability[]; by: string };
  /** An app event (sendCustomEvent), not a chat message. */
  custom: { from: string; sessionId: string; data: unknown; to: string[] | null };
  /** SFU calls: a subscription to a participant's kind started, changed layer, or ended. */
  'subscription.started': { sessionId: string; kind: TrackKind };
  'subscription.reconfigured': { sessionId: string; kind: TrackKind; rid: string | null };
  'subscription.ended': { sessionId: string; kind: TrackKind; reason: string };
  /** The loudest current speaker changed (SFU calls). */
  'speaker.changed': { sessionId: string | null };
}

export type MediaOption = boolean | MediaTrackConstraints;

export interface GetOrCreateOptions {
  members?: Member[];
  custom?: CustomData;
  settings?: CallSettings;
  /** Ring the members now. */
  ring?: boolean;
}

export interface JoinOptions extends GetOrCreateOptions {
  /** Create the call if it does not exist. */
  create?: boolean;
  /** Publish the microphone: true, false, or constraints. Default: false (unless already enabled). */
  audio?: MediaOption;
  /** Publish the camera: true, false, or constraints such as { width: 1280, height: 720 }. */
  video?: MediaOption;
  /** SFU calls: 'manual' to receive nothing until subscribe() (large rooms); default 'auto'. */
  subscriptionMode?: 'auto' | 'manual';
}

export interface SendMessageOptions {
  /** User ids to send to; omit to send to everyone. */
  to?: string[];
}
