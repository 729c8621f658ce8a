import { z } from 'zod';
import type { TokenClaims } from '../auth/tokens.js';
import type { ApiCredentials } from '../config/secrets.js';
import type { NotificationStore } from '../store/notification-store.js';
import { bearerClaims, requireApiKey } from './auth.js';
import { type AnyRouteSpec, defineRoute } from './route-spec.js';

export interface NotifyRouteDeps {
  store: NotificationStore;
  vapidPublicKey: string;
  credentials: ApiCredentials;
  verify: (token: string) => Promise<TokenClaims>;
}

const PushSubscription = z.object({
  endpoint: z.string().url().max(2048).refine((u) => /^https?:\/\//.test(u), 'endpoint must be http(s)'),
  keys: z.object({ p256dh: z.string().min(1).max(256), auth: z.string().min(1).max(64) }),
});

/** Web Push subscription management and webhook delivery records. */
export function notifyRoutes(deps: NotifyRouteDeps): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/push/vapid-public-key',
      summary: 'The VAPID public key to subscribe to Web Push with (applicationServerKey)',
      auth: 'none',
      response: z.object({ publicKey: z.string() }),
      handler: async () => ({ publicKey: deps.vapidPublicKey }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/push/subscriptions',
      summary: "Register this browser's push subscription for the token's user (rings reach it when no device is connected)",
      auth: 'bearer',
      body: PushSubscription,
      response: z.object({}),
      handler: async ({ body, request }) => {
        const claims = await bearerClaims(request, deps.verify);
        await deps.store.savePushSubscription({ endpoint: body.endpoint, userId: claims.userId, p256dh: body.keys.p256dh, auth: body.keys.auth });
        return {};
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/push/subscriptions',
      summary: "The token user's push subscriptions (endpoints only)",
      auth: 'bearer',
      response: z.object({ subscriptions: z.array(z.object({ endpoint: z.string() })) }),
      handler: async ({ request }) => {
        const claims = await bearerClaims(request, deps.verify);
        const subs = await deps.store.pushSubscriptionsOf(claims.userId);
        return { subscriptions: subs.map((s) => ({ endpoint: s.endpoint })) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/push/subscriptions',
      summary: 'Remove a push subscription of the token user',
      auth: 'bearer',
      body: z.object({ endpoint: z.string().max(2048) }),
      response: z.object({ removed: z.number() }),
      handler: async ({ body, request }) => {
        const claims = await bearerClaims(request, deps.verify);
        return { removed: await deps.store.deletePushSubscription(body.endpoint, claims.userId) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/webhooks/deliveries',
      summary: 'Recent webhook deliveries with their status and attempts (API key)',
      auth: 'apiKey',
      response: z.object({
        deliveries: z.array(
          z.object({
            id: z.string(),
            event: z.string(),
            url: z.string(),
            status: z.enum(['pending', 'delivered', 'failed']),
            attempts: z.number(),
            lastError: z.string().nullable(),
            createdAt: z.string(),
            deliveredAt: z.string().nullable(),
          }),
        ),
      }),
      handler: async ({ request }) => {
        requireApiKey(request, deps.credentials);
        const deliveries = await deps.store.listDeliveries({ limit: 100 });
        return { deliveries: deliveries.map(({ body: _body, ...d }) => d) };
      },
    }),
  ];
}
