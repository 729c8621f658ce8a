import type { Logger } from 'pino';
import webpush from 'web-push';
import { splitCid } from '@confab/protocol';
import type { RingChannel, RingNotice, RingOutcome } from '../calls/ring-channels.js';
import type { NotificationStore, PushSubscriptionRecord } from '../store/notification-store.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export interface PushSenderOptions {
  vapid: VapidKeys;
  subject: string;
  store: NotificationStore;
  logger: Logger;
}

/** What the service worker receives (apps/web/public/sw.js shows it). */
export interface RingPushPayload {
  type: 'call.ring' | 'call.ring.stopped';
  cid: string;
  callType: string;
  callId: string;
  from?: { userId: string; name: string };
  custom?: Record<string, unknown>;
  /** Where a click on the notification leads: the web app's incoming-call screen. */
  url: string;
  /** call.ring.stopped: why (accepted or rejected on a device, missed, cancelled by the caller, ended). */
  reason?: 'accepted' | 'rejected' | 'missed' | 'cancelled' | 'ended';
}

/**
 * Web Push for members with no connected device: encrypted with web-push (VAPID, aes128gcm) and
 * sent with fetch. A push service answering 404 or 410 means the subscription is gone: it is deleted.
 */
export class PushSender implements RingChannel {
  /** Users sent a ring push, per call, so the notification can be withdrawn when the ring ends. */
  private readonly pushed = new Map<string, Set<string>>();

  constructor(private readonly opts: PushSenderOptions) {}

  ring(notice: RingNotice): void {
    const { call } = notice;
    const payload: RingPushPayload = {
      type: 'call.ring',
      cid: call.cid,
      callType: call.type,
      callId: call.id,
      from: notice.from,
      custom: call.custom,
      url: `/call/${call.type}/${call.id}?incoming=1`,
    };
    const ttl = Math.ceil(call.settings.ringTimeoutMs / 1000);
    for (const r of notice.recipients) {
      if (r.online) continue;
      let users = this.pushed.get(call.cid);
      if (!users) this.pushed.set(call.cid, (users = new Set()));
      users.add(r.userId);
      void this.toUser(r.userId, payload, ttl);
    }
  }

  outcome(outcome: RingOutcome): void {
    const users = this.pushed.get(outcome.cid);
    if (!users) return;
    const targets = outcome.userId && outcome.type !== 'call.ended' && outcome.type !== 'call.ring.cancelled' ? [outcome.userId] : [...users];
    const { type: callType, id: callId } = splitCid(outcome.cid);
    const reason = ({ 'call.accepted': 'accepted', 'call.rejected': 'rejected', 'call.missed': 'missed', 'call.ring.cancelled': 'cancelled', 'call.ended': 'ended' } as const)[outcome.type];
    for (const userId of targets) {
      if (!users.delete(userId)) continue;
      void this.toUser(userId, { type: 'call.ring.stopped', cid: outcome.cid, callType, callId, url: `/call/${callType}/${callId}`, reason }, 60);
    }
    if (users.size === 0) this.pushed.delete(outcome.cid);
  }

  private async toUser(userId: string, payload: RingPushPayload, ttlSeconds: number): Promise<void> {
    try {
      const subscriptions = await this.opts.store.pushSubscriptionsOf(userId);
      await Promise.all(subscriptions.map((s) => this.send(s, payload, ttlSeconds)));
    } catch (error) {
      this.opts.logger.error({ err: error, userId }, 'web push failed');
    }
  }

  private async send(s: PushSubscriptionRecord, payload: RingPushPayload, ttlSeconds: number): Promise<void> {
    const details = webpush.generateRequestDetails(
      { endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } },
      JSON.stringify(payload),
      {
        vapidDetails: { subject: this.opts.subject, publicKey: this.opts.vapid.publicKey, privateKey: this.opts.vapid.privateKey },
        TTL: ttlSeconds,
        urgency: 'high',
        topic: payload.cid.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 32),
      },
    );
    const res = await fetch(details.endpoint, {
      method: details.method,
      headers: details.headers as Record<string, string>,
      body: details.body ?? null,
      signal: AbortSignal.timeout(10_000),
    });
    await res.body?.cancel().catch(() => undefined);
    if (res.status === 404 || res.status === 410) {
      await this.opts.store.deletePushSubscription(s.endpoint);
      this.opts.logger.info({ userId: s.userId }, 'removed an expired push subscription');
    } else if (!res.ok) {
      this.opts.logger.warn({ userId: s.userId, status: res.status }, 'push service refused a notification');
    }
  }
}

export function generateVapidKeys(): VapidKeys {
  return webpush.generateVAPIDKeys();
}
