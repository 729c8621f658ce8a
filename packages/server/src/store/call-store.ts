import type { CallSettings, CustomData, Member } from '@confab/protocol';
import type { CallType } from '../calls/call-types.js';
import type { Db } from './database.js';
import type { MessagesTable } from './schema.js';

/** A call as stored. */
export interface CallRecord {
  cid: string;
  type: string;
  id: string;
  createdBy: string;
  custom: CustomData;
  settings: CallSettings;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

export interface StoredMessage {
  cid: string;
  seq: number;
  id: string;
  from: string;
  sessionId: string;
  data: unknown;
  to: string[] | null;
  createdAt: string;
}

export interface SessionRecord {
  sessionId: string;
  cid: string;
  userId: string;
  name: string;
  joinedAt: string;
  leftAt: string | null;
  leaveReason: string | null;
}

const parse = <T>(text: string | null, fallback: T): T => (text ? (JSON.parse(text) as T) : fallback);

/** Persistence of call types, calls, members, sessions and messages (Kysely; SQLite or PostgreSQL). */
export class CallStore {
  constructor(private readonly db: Db) {}

  async ensureCallTypes(types: CallType[]): Promise<void> {
    const now = new Date().toISOString();
    for (const t of types) {
      await this.db
        .insertInto('call_types')
        .values({
          name: t.name,
          media_path: t.mediaPath,
          max_participants: t.maxParticipants,
          audio_only: t.audioOnly ? 1 : 0,
          grants: JSON.stringify(t.grants),
          created_at: now,
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
    }
  }

  async upsertCallType(t: CallType): Promise<void> {
    const values = {
      media_path: t.mediaPath,
      max_participants: t.maxParticipants,
      audio_only: t.audioOnly ? 1 : 0,
      grants: JSON.stringify(t.grants),
    };
    await this.db
      .insertInto('call_types')
      .values({ name: t.name, ...values, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('name').doUpdateSet(values))
      .execute();
  }

  async listCallTypes(): Promise<CallType[]> {
    const rows = await this.db.selectFrom('call_types').select('name').orderBy('name').execute();
    const types = await Promise.all(rows.map((r) => this.getCallType(r.name)));
    return types.filter((t): t is CallType => t !== null);
  }

  async getCallType(name: string): Promise<CallType | null> {
    const row = await this.db.selectFrom('call_types').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) return null;
    return {
      name: row.name,
      mediaPath: row.media_path,
      maxParticipants: row.max_participants,
      audioOnly: row.audio_only === 1,
      grants: parse(row.grants, {}),
    };
  }

  async getCall(cid: string): Promise<CallRecord | null> {
    const row = await this.db.selectFrom('calls').selectAll().where('cid', '=', cid).executeTakeFirst();
    if (!row) return null;
    return {
      cid: row.cid,
      type: row.type,
      id: row.id,
      createdBy: row.created_by,
      custom: parse(row.custom, {}),
      settings: parse(row.settings, {}),
      createdAt: row.created_at,
      startedAt: row.started_at,
      endedAt: row.ended_at,
    };
  }

  /** Inserts the call unless it exists; returns whether this call created it. */
  async createCall(call: CallRecord, members: Member[]): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .insertInto('calls')
        .values({
          cid: call.cid,
          type: call.type,
          id: call.id,
          created_by: call.createdBy,
          custom: JSON.stringify(call.custom),
          settings: JSON.stringify(call.settings),
          created_at: call.createdAt,
          started_at: null,
          ended_at: null,
        })
        .onConflict((oc) => oc.column('cid').doNothing())
        .executeTakeFirst();
      const created = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
      if (created && members.length > 0) {
        await trx
          .insertInto('call_members')
          .values(
            members.map((m) => ({
              cid: call.cid,
              user_id: m.userId,
              role: m.role ?? null,
              custom: JSON.stringify(m.custom ?? {}),
              created_at: call.createdAt,
            })),
          )
          .onConflict((oc) => oc.columns(['cid', 'user_id']).doNothing())
          .execute();
      }
      return created;
    });
  }

  async getMembers(cid: string): Promise<Member[]> {
    const rows = await this.db.selectFrom('call_members').selectAll().where('cid', '=', cid).orderBy('created_at').execute();
    return rows.map((r) => {
      const m: Member = { userId: r.user_id };
      if (r.role !== null) m.role = r.role;
      const custom = parse<CustomData>(r.custom, {});
      if (Object.keys(custom).length > 0) m.custom = custom;
      return m;
    });
  }

  async updateCall(cid: string, fields: { custom: CustomData; settings: CallSettings }): Promise<void> {
    await this.db
      .updateTable('calls')
      .set({ custom: JSON.stringify(fields.custom), settings: JSON.stringify(fields.settings) })
      .where('cid', '=', cid)
      .execute();
  }

  async markCallStarted(cid: string, at: string): Promise<void> {
    await this.db.updateTable('calls').set({ started_at: at }).where('cid', '=', cid).where('started_at', 'is', null).execute();
  }

  async markCallEnded(cid: string, at: string): Promise<void> {
    await this.db.updateTable('calls').set({ ended_at: at }).where('cid', '=', cid).where('ended_at', 'is', null).execute();
  }

  async insertSession(s: SessionRecord): Promise<void> {
    await this.db
      .insertInto('call_sessions')
      .values({
        session_id: s.sessionId,
        cid: s.cid,
        user_id: s.userId,
        name: s.name,
        joined_at: s.joinedAt,
        left_at: s.leftAt,
        leave_reason: s.leaveReason,
      })
      .execute();
  }

  async markSessionLeft(sessionId: string, at: string, reason: string): Promise<void> {
    await this.db
      .updateTable('call_sessions')
      .set({ left_at: at, leave_reason: reason })
      .where('session_id', '=', sessionId)
      .where('left_at', 'is', null)
      .execute();
  }

  /** Sessions still open in storage (for instance after a crash), for cleanup at start. */
  async closeOpenSessions(at: string, reason: string): Promise<number> {
    const result = await this.db
      .updateTable('call_sessions')
      .set({ left_at: at, leave_reason: reason })
      .where('left_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async listSessions(cid: string): Promise<SessionRecord[]> {
    const rows = await this.db.selectFrom('call_sessions').selectAll().where('cid', '=', cid).orderBy('joined_at').execute();
    return rows.map((r) => ({
      sessionId: r.session_id,
      cid: r.cid,
      userId: r.user_id,
      name: r.name,
      joinedAt: r.joined_at,
      leftAt: r.left_at,
      leaveReason: r.leave_reason,
    }));
  }

  async lastMessageSeq(cid: string): Promise<number> {
    const row = await this.db
      .selectFrom('messages')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('cid', '=', cid)
      .executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  async insertMessage(m: StoredMessage): Promise<void> {
    await this.db
      .insertInto('messages')
      .values({
        cid: m.cid,
        seq: m.seq,
        id: m.id,
        from_user: m.from,
        session_id: m.sessionId,
        data: JSON.stringify(m.data ?? null),
        to_users: m.to ? JSON.stringify(m.to) : null,
        created_at: m.createdAt,
      })
      .execute();
  }

  async getMessage(id: string): Promise<StoredMessage | null> {
    const row = await this.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toMessage(row) : null;
  }

  /** Messages with seq < before, newest first. */
  async listMessagesBefore(cid: string, before: number, limit: number): Promise<StoredMessage[]> {
    const rows = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('cid', '=', cid)
      .where('seq', '<', before)
      .orderBy('seq', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toMessage);
  }

  async listMessages(cid: string, afterSeq: number, limit: number): Promise<StoredMessage[]> {
    const rows = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('cid', '=', cid)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(toMessage);
  }
}

function toMessage(r: MessagesTable): StoredMessage {
  return {
    cid: r.cid,
    seq: r.seq,
    id: r.id,
    from: r.from_user,
    sessionId: r.session_id,
    data: parse(r.data, null),
    to: parse<string[] | null>(r.to_users, null),
    createdAt: r.created_at,
  };
}
