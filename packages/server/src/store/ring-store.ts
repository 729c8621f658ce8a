import type { Db } from './database.js';
import type { CallRingsTable } from './schema.js';

export type RingStatus = CallRingsTable['status'];

export interface RingRecord {
  cid: string;
  userId: string;
  round: number;
  rungBy: string;
  status: RingStatus;
  reason: string | null;
  rungAt: string;
  answeredAt: string | null;
}

export interface RecentCall {
  cid: string;
  type: string;
  id: string;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

const toRecord = (r: CallRingsTable): RingRecord => ({
  cid: r.cid,
  userId: r.user_id,
  round: r.round,
  rungBy: r.rung_by,
  status: r.status,
  reason: r.reason,
  rungAt: r.rung_at,
  answeredAt: r.answered_at,
});

/** Who was rung in which call, and how each ring ended: the call history. */
export class RingStore {
  constructor(private readonly db: Db) {}

  async nextRound(cid: string): Promise<number> {
    const row = await this.db
      .selectFrom('call_rings')
      .select((eb) => eb.fn.max('round').as('round'))
      .where('cid', '=', cid)
      .executeTakeFirst();
    return Number(row?.round ?? 0) + 1;
  }

  async insert(rings: RingRecord[]): Promise<void> {
    if (rings.length === 0) return;
    await this.db
      .insertInto('call_rings')
      .values(
        rings.map((r) => ({
          cid: r.cid,
          user_id: r.userId,
          round: r.round,
          rung_by: r.rungBy,
          status: r.status,
          reason: r.reason,
          rung_at: r.rungAt,
          answered_at: r.answeredAt,
        })),
      )
      .execute();
  }

  async setStatus(cid: string, userId: string, round: number, status: RingStatus, reason: string | null, at: string): Promise<void> {
    await this.db
      .updateTable('call_rings')
      .set({ status, reason, answered_at: at })
      .where('cid', '=', cid)
      .where('user_id', '=', userId)
      .where('round', '=', round)
      .where('status', '=', 'ringing')
      .execute();
  }

  /** Rings left `ringing` by a previous run (the server stopped mid-ring) end as missed. */
  async closeStale(at: string): Promise<number> {
    const result = await this.db
      .updateTable('call_rings')
      .set({ status: 'missed', answered_at: at })
      .where('status', '=', 'ringing')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async list(cid: string): Promise<RingRecord[]> {
    const rows = await this.db.selectFrom('call_rings').selectAll().where('cid', '=', cid).orderBy('round').orderBy('rung_at').execute();
    return rows.map(toRecord);
  }

  /** Calls a user created, was a member of, was rung in, or joined; newest first. */
  async recentCallsOf(userId: string, limit: number): Promise<RecentCall[]> {
    const rows = await this.db
      .selectFrom('calls')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('created_by', '=', userId),
          eb('cid', 'in', eb.selectFrom('call_members').select('cid').where('user_id', '=', userId)),
          eb('cid', 'in', eb.selectFrom('call_rings').select('cid').where('user_id', '=', userId)),
          eb('cid', 'in', eb.selectFrom('call_sessions').select('cid').where('user_id', '=', userId)),
        ]),
      )
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      cid: r.cid,
      type: r.type,
      id: r.id,
      createdBy: r.created_by,
      createdAt: r.created_at,
      startedAt: r.started_at,
      endedAt: r.ended_at,
    }));
  }
}
