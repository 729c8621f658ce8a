import type { Capability, Participant, ServerEvent, StreamInfo, TrackKind } from '@confab/protocol';
import type { Role } from '../auth/tokens.js';
import type { CallRecord } from '../store/call-store.js';
import type { CallUserState } from '../store/user-state-store.js';
import type { Member } from '@confab/protocol';
import type { CallType } from './call-types.js';

/** Who is asking: the verified token of one signalling connection. */
export interface Caller {
  userId: string;
  name: string;
  role: Role;
  callCids: string[] | null;
  connectionId: string;
}

/** How the calls layer reaches clients; the gateway (or the cluster bus) implements it. */
export interface Notifier {
  toConnection(connectionId: string, event: ServerEvent): void;
  /** Every connected device of a user, except the listed connections. */
  toUser(userId: string, event: ServerEvent, exceptConnectionIds?: ReadonlySet<string>): void;
  /** Whether the user has at least one connected device. */
  isOnline(userId: string): boolean;
}

/** A participant's live session in a call, held in memory while the call is active. */
export interface LiveSession {
  sessionId: string;
  cid: string;
  userId: string;
  name: string;
  roles: string[];
  /** null while the WebSocket is gone and the grace period runs. */
  connectionId: string | null;
  publishedTracks: TrackKind[];
  streams: StreamInfo[];
  joinedAt: string;
  graceTimer: NodeJS.Timeout | null;
  /** What it may do: its roles' grants, plus host grants, minus censored publishing. */
  capabilities: Set<Capability>;
  /** SFU calls: how subscriptions start (the client may change it later). */
  subscriptionMode: 'auto' | 'manual';
  /** The last message sequence number the client acknowledged. */
  lastAckedSeq: number;
  /**
   * Events for this session while its socket is gone, delivered on FAST resume (messages are not
   * kept here: they are replayed from the store). null once too many piled up: then it must rejoin.
   */
  missed: ServerEvent[] | null;
}

/** A call with at least one session, in memory. */
export interface ActiveCall {
  record: CallRecord;
  type: CallType;
  members: Member[];
  sessions: Map<string, LiveSession>;
  /** Last message sequence number handed out. */
  lastSeq: number;
  /** Moderation state of users seen in this call (grants, block, censored kinds). */
  userStates: Map<string, CallUserState>;
}

export function toParticipant(s: LiveSession, censoredTracks: TrackKind[] = []): Participant {
  return {
    sessionId: s.sessionId,
    userId: s.userId,
    name: s.name,
    roles: [...s.roles],
    publishedTracks: [...s.publishedTracks],
    censoredTracks: [...censoredTracks],
    streams: s.streams.map((x) => ({ ...x })),
    joinedAt: s.joinedAt,
  };
}
