import type { Generated } from 'kysely';

/** Table shapes. JSON columns are stored as text (SQLite and PostgreSQL alike) and parsed in the store. */
export interface CallTypesTable {
  name: string;
  media_path: 'p2p' | 'sfu';
  max_participants: number;
  audio_only: number;
  /** JSON: role -> list of capabilities. */
  grants: string;
  created_at: string;
}

export interface CallsTable {
  cid: string;
  type: string;
  id: string;
  created_by: string;
  custom: string;
  settings: string;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
}

export interface CallMembersTable {
  cid: string;
  user_id: string;
  role: string | null;
  custom: string;
  created_at: string;
}

export interface CallSessionsTable {
  session_id: string;
  cid: string;
  user_id: string;
  name: string;
  joined_at: string;
  left_at: string | null;
  leave_reason: string | null;
}

export interface MessagesTable {
  cid: string;
  seq: number;
  id: string;
  from_user: string;
  session_id: string;
  data: string;
  to_users: string | null;
  created_at: string;
}

export interface CallRingsTable {
  cid: string;
  user_id: string;
  /** Which ring of this call (a call may be rung more than once). */
  round: number;
  rung_by: string;
  status: 'ringing' | 'accepted' | 'rejected' | 'missed' | 'cancelled';
  reason: string | null;
  rung_at: string;
  answered_at: string | null;
}

export interface PushSubscriptionsTable {
  endpoint: string;
  user_id: string;
  p256dh: string;
  auth: string;
  created_at: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  event: string;
  url: string;
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

/** Per call and user: moderation state that outlives a session (grants, block, censored kinds). */
export interface CallUserStateTable {
  cid: string;
  user_id: string;
  /** JSON list of capabilities granted on top of the user's roles. */
  granted: string;
  blocked: number;
  /** JSON list of track kinds a moderator censored. */
  censored: string;
  updated_at: string;
}

export interface MigrationRow {
  id: Generated<number>;
}

export interface Database {
  call_types: CallTypesTable;
  calls: CallsTable;
  call_members: CallMembersTable;
  call_sessions: CallSessionsTable;
  messages: MessagesTable;
  call_rings: CallRingsTable;
  push_subscriptions: PushSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  call_user_state: CallUserStateTable;
}
