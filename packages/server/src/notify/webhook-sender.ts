import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { RingChannel, RingNotice, RingOutcome } from '../calls/ring-channels.js';
import type { NotificationStore, WebhookDelivery } from '../store/notification-store.js';
import { DELIVERY_ID_HEADER, SIGNATURE_HEADER, signWebhook } from './webhook-signature.js';

export interface WebhookSenderOptions {
  urls: string[];
  secret: string;
  store: NotificationStore;
  logger: Logger;
  /** First retry delay; doubles each attempt. */
  retryBaseMs: number;
  maxAttempts: number;
  timeoutMs?: number;
}

/**
 * Posts signed call events to the configured URLs so an app server can send native pushes
 * (VoIP/FCM) to users whose app is closed. Every delivery is recorded; failures are retried with
 * exponential backoff; deliveries still pending at shutdown are resumed at the next start.
 */
export class WebhookSender implements RingChannel {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly opts: WebhookSenderOptions) {}

  ring(notice: RingNotice): void {
    this.send('call.ring', {
      call: notice.call,
      from: notice.from,
      recipients: notice.recipients,
      rungAt: notice.rungAt,
    });
  }

  outcome(outcome: RingOutcome): void {
    this.send(outcome.type, { cid: outcome.cid, userId: outcome.userId, reason: outcome.reason, at: outcome.at });
  }

  private send(event: string, data: unknown): void {
    for (const url of this.opts.urls) {
      const id = randomUUID();
      const createdAt = new Date().toISOString();
      const body = JSON.stringify({ id, type: event, createdAt, data });
      const delivery: WebhookDelivery = { id, event, url, body, status: 'pending', attempts: 0, lastError: null, createdAt, deliveredAt: null };
      void this.opts.store
        .insertDelivery(delivery)
        .then(() => this.attempt(delivery))
        .catch((error) => this.opts.logger.error({ err: error, event }, 'recording a webhook delivery failed'));
    }
  }

  /** Resumes deliveries left pending by a previous run. */
  async resumePending(): Promise<number> {
    const pending = await this.opts.store.listDeliveries({ status: 'pending', limit: 1000 });
    for (const d of pending) void this.attempt(d);
    return pending.length;
  }

  private async attempt(d: WebhookDelivery): Promise<void> {
    if (this.closed) return;
    const attempts = d.attempts + 1;
    const timestamp = Math.floor(Date.now() / 1000);
    let error: string | null = null;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Confab-Webhooks/1',
          [SIGNATURE_HEADER]: signWebhook(this.opts.secret, d.body, timestamp),
          [DELIVERY_ID_HEADER]: d.id,
        },
        body: d.body,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
      });
      if (!res.ok) error = `HTTP ${res.status}`;
      await res.body?.cancel().catch(() => undefined);
    } catch (e) {
      error = (e as Error).message;
    }
    if (this.closed) return;
    if (!error) {
      await this.opts.store.updateDelivery(d.id, { status: 'delivered', attempts, lastError: null, deliveredAt: new Date().toISOString() });
      return;
    }
    const giveUp = attempts >= this.opts.maxAttempts;
    await this.opts.store.updateDelivery(d.id, { status: giveUp ? 'failed' : 'pending', attempts, lastError: error });
    if (giveUp) {
      this.opts.logger.warn({ url: d.url, event: d.event, attempts, error }, 'webhook delivery failed for good');
      return;
    }
    const delay = this.opts.retryBaseMs * 2 ** (attempts - 1);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt({ ...d, attempts }).catch(() => undefined);
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
