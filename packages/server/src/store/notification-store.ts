import type { Db } from './database.js';
import type { WebhookDeliveriesTable } from './schema.js';

export interface PushSubscriptionRecord {
  endpoint: string;
  userId: string;
  p256dh: string;
  auth: string;
}

export type WebhookDelivery = {
  id: string;
  event: string;
  url: string;
  body: string;
  status: WebhookDeliveriesTable['status'];
  attempts: number;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
};

/** Web Push subscriptions and webhook delivery records. */
export class NotificationStore {
  constructor(private readonly db: Db) {}

  async savePushSubscription(s: PushSubscriptionRecord): Promise<void> {
    await this.db
      .insertInto('push_subscriptions')
      .values({ endpoint: s.endpoint, user_id: s.userId, p256dh: s.p256dh, auth: s.auth, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('endpoint').doUpdateSet({ user_id: s.userId, p256dh: s.p256dh, auth: s.auth }))
      .execute();
  }

  async deletePushSubscription(endpoint: string, userId?: string): Promise<number> {
    let q = this.db.deleteFrom('push_subscriptions').where('endpoint', '=', endpoint);
    if (userId) q = q.where('user_id', '=', userId);
    const result = await q.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async pushSubscriptionsOf(userId: string): Promise<PushSubscriptionRecord[]> {
    const rows = await this.db.selectFrom('push_subscriptions').selectAll().where('user_id', '=', userId).execute();
    return rows.map((r) => ({ endpoint: r.endpoint, userId: r.user_id, p256dh: r.p256dh, auth: r.auth }));
  }

  async insertDelivery(d: WebhookDelivery): Promise<void> {
    await this.db
      .insertInto('webhook_deliveries')
      .values({
        id: d.id,
        event: d.event,
        url: d.url,
        body: d.body,
        status: d.status,
        attempts: d.attempts,
        last_error: d.lastError,
        created_at: d.createdAt,
        delivered_at: d.deliveredAt,
      })
      .execute();
  }

  async updateDelivery(id: string, fields: Partial<Pick<WebhookDelivery, 'status' | 'attempts' | 'lastError' | 'deliveredAt'>>): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set({
        ...(fields.status !== undefined ? { status: fields.status } : {}),
        ...(fields.attempts !== undefined ? { attempts: fields.attempts } : {}),
        ...(fields.lastError !== undefined ? { last_error: fields.lastError } : {}),
        ...(fields.deliveredAt !== undefined ? { delivered_at: fields.deliveredAt } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  async listDeliveries(options: { status?: WebhookDelivery['status']; limit: number }): Promise<WebhookDelivery[]> {
    let q = this.db.selectFrom('webhook_deliveries').selectAll().orderBy('created_at', 'desc').limit(options.limit);
    if (options.status) q = q.where('status', '=', options.status);
    const rows = await q.execute();
    return rows.map((r) => ({
      id: r.id,
      event: r.event,
      url: r.url,
      body: r.body,
      status: r.status,
      attempts: r.attempts,
      lastError: r.last_error,
      createdAt: r.created_at,
      deliveredAt: r.delivered_at,
    }));
  }
}
