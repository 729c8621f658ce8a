import type { Capability, TrackKind } from '@confab/protocol';
import type { Db } from './database.js';

/** Moderation state of one user in one call. */
export interface CallUserState {
  granted: Capability[];
  blocked: boolean;
  censored: TrackKind[];
}

export const EMPTY_USER_STATE: CallUserState = Object.freeze({ granted: [], blocked: false, censored: [] }) as CallUserState;

/** Grants, blocks and censored kinds per call and user (they outlive sessions and restarts). */
export class UserStateStore {
  constructor(private readonly db: Db) {}

  async get(cid: string, userId: string): Promise<CallUserState> {
    const row = await this.db.selectFrom('call_user_state').selectAll().where('cid', '=', cid).where('user_id', '=', userId).executeTakeFirst();
    if (!row) return { ...EMPTY_USER_STATE, granted: [], censored: [] };
    return { granted: JSON.parse(row.granted), blocked: row.blocked === 1, censored: JSON.parse(row.censored) };
  }

  async listForCall(cid: string): Promise<Map<string, CallUserState>> {
    const rows = await this.db.selectFrom('call_user_state').selectAll().where('cid', '=', cid).execute();
    return new Map(rows.map((r) => [r.user_id, { granted: JSON.parse(r.granted), blocked: r.blocked === 1, censored: JSON.parse(r.censored) }]));
  }

  async put(cid: string, userId: string, state: CallUserState): Promise<void> {
    const values = {
      granted: JSON.stringify(state.granted),
      blocked: state.blocked ? 1 : 0,
      censored: JSON.stringify(state.censored),
      updated_at: new Date().toISOString(),
    };
    await this.db
      .insertInto('call_user_state')
      .values({ cid, user_id: userId, ...values })
      .onConflict((oc) => oc.columns(['cid', 'user_id']).doUpdateSet(values))
      .execute();
  }
}
