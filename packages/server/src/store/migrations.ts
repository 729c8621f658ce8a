import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';

/** Migrations in order. Never edit a released one; add a new one. */
const migrations: Record<string, Migration> = {
  '0001_calls': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('call_types')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('media_path', 'text', (c) => c.notNull())
        .addColumn('max_participants', 'integer', (c) => c.notNull())
        .addColumn('audio_only', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('grants', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('calls')
        .addColumn('cid', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('custom', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('ended_at', 'text')
        .execute();
      await db.schema.createIndex('calls_created_by').on('calls').columns(['created_by', 'created_at']).execute();
      await db.schema
        .createTable('call_members')
        .addColumn('cid', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text')
        .addColumn('custom', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('call_members_pk', ['cid', 'user_id'])
        .execute();
      await db.schema.createIndex('call_members_user').on('call_members').column('user_id').execute();
      await db.schema
        .createTable('call_sessions')
        .addColumn('session_id', 'text', (c) => c.primaryKey())
        .addColumn('cid', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('joined_at', 'text', (c) => c.notNull())
        .addColumn('left_at', 'text')
        .addColumn('leave_reason', 'text')
        .execute();
      await db.schema.createIndex('call_sessions_cid').on('call_sessions').column('cid').execute();
      await db.schema
        .createTable('messages')
        .addColumn('cid', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('from_user', 'text', (c) => c.notNull())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('to_users', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('messages_pk', ['cid', 'seq'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const t of ['messages', 'call_sessions', 'call_members', 'calls', 'call_types']) {
        await sql`drop table if exists ${sql.table(t)}`.execute(db);
      }
    },
  },
  '0002_ringing': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('call_rings')
        .addColumn('cid', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('round', 'integer', (c) => c.notNull())
        .addColumn('rung_by', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('rung_at', 'text', (c) => c.notNull())
        .addColumn('answered_at', 'text')
        .addPrimaryKeyConstraint('call_rings_pk', ['cid', 'user_id', 'round'])
        .execute();
      await db.schema.createIndex('call_rings_user').on('call_rings').columns(['user_id', 'rung_at']).execute();
      await db.schema
        .createTable('push_subscriptions')
        .addColumn('endpoint', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('p256dh', 'text', (c) => c.notNull())
        .addColumn('auth', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('push_subscriptions_user').on('push_subscriptions').column('user_id').execute();
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('delivered_at', 'text')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const t of ['webhook_deliveries', 'push_subscriptions', 'call_rings']) {
        await sql`drop table if exists ${sql.table(t)}`.execute(db);
      }
    },
  },
  '0003_moderation': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('call_user_state')
        .addColumn('cid', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('granted', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('blocked', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('censored', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('call_user_state_pk', ['cid', 'user_id'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await sql`drop table if exists call_user_state`.execute(db);
    },
  },
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
