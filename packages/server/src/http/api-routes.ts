import { z } from 'zod';
import { CallId, CallInfo, CallSettings, CallTypeName, Cid, CustomData, Member, Participant, UserId } from '@confab/protocol';
import { ROLES, signToken, type TokenClaims } from '../auth/tokens.js';
import type { CallService } from '../calls/call-service.js';
import type { ApiCredentials } from '../config/secrets.js';
import type { CallStore } from '../store/call-store.js';
import type { RingStore } from '../store/ring-store.js';
import { ServiceError } from '../errors.js';
import { bearerClaims, requireApiKey } from './auth.js';
import { type AnyRouteSpec, defineRoute } from './route-spec.js';

export interface ApiRouteDeps {
  calls: CallService;
  callStore: CallStore;
  ringStore: RingStore;
  credentials: ApiCredentials;
  verify: (token: string) => Promise<TokenClaims>;
  demo: boolean;
}

const DEMO_TOKEN_TTL = 24 * 3600;
const CallPath = z.object({ type: CallTypeName, id: CallId });
const TokenResponse = z.object({ token: z.string() });
const RingHistory = z.object({
  userId: z.string(),
  rungBy: z.string(),
  round: z.number(),
  status: z.enum(['ringing', 'accepted', 'rejected', 'missed', 'cancelled']),
  reason: z.string().nullable(),
  rungAt: z.string(),
  answeredAt: z.string().nullable(),
});
const SessionHistory = z.object({
  sessionId: z.string(),
  userId: z.string(),
  name: z.string(),
  joinedAt: z.string(),
  leftAt: z.string().nullable(),
  leaveReason: z.string().nullable(),
});

/** Every REST route; the OpenAPI document is generated from this list. */
export function apiRoutes(deps: ApiRouteDeps): AnyRouteSpec[] {
  const routes: AnyRouteSpec[] = [
    defineRoute({
      method: 'POST',
      path: '/api/v1/tokens',
      summary: 'Create a client token (server to server, authenticated with the API key and secret)',
      auth: 'apiKey',
      body: z.object({
        userId: UserId,
        name: z.string().max(128).optional(),
        role: z.enum(ROLES).optional(),
        callCids: z.array(Cid).max(100).optional(),
        ttlSeconds: z.number().int().min(10).max(30 * 86400).default(3600),
      }),
      response: TokenResponse,
      handler: async ({ body, request }) => {
        requireApiKey(request, deps.credentials);
        return { token: await signToken(body, deps.credentials) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/calls/:type/:id',
      summary: 'Read a call with its history: who was rung and how each ring ended, who joined and left when',
      auth: 'bearer',
      params: CallPath,
      response: z.object({ call: CallInfo, rings: z.array(RingHistory), sessions: z.array(SessionHistory) }),
      handler: async ({ params, request }) => {
        const claims = await bearerClaims(request, deps.verify);
        const call = await deps.calls.get(claims, params.type, params.id);
        const rings = (await deps.ringStore.list(call.cid)).map(({ cid: _cid, ...r }) => r);
        const sessions = (await deps.callStore.listSessions(call.cid)).map(({ cid: _cid, ...s }) => s);
        return { call, rings, sessions };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/users/me/calls',
      summary: "The caller's recent calls (created, member of, rung in or joined), newest first, with how each ring to them ended",
      auth: 'bearer',
      response: z.object({
        calls: z.array(
          z.object({
            cid: z.string(),
            type: z.string(),
            id: z.string(),
            createdBy: z.string(),
            createdAt: z.string(),
            startedAt: z.string().nullable(),
            endedAt: z.string().nullable(),
            myRing: RingHistory.nullable(),
          }),
        ),
      }),
      handler: async ({ request }) => {
        const claims = await bearerClaims(request, deps.verify);
        const limit = Math.min(100, Math.max(1, Number((request.query as { limit?: string }).limit ?? 20) || 20));
        const recent = await deps.ringStore.recentCallsOf(claims.userId, limit);
        const calls = [];
        for (const c of recent) {
          const rings = (await deps.ringStore.list(c.cid)).filter((r) => r.userId === claims.userId);
          const last = rings.at(-1);
          calls.push({ ...c, myRing: last ? (({ cid: _cid, ...r }) => r)(last) : null });
        }
        return { calls };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/calls/:type/:id',
      summary: 'Get or create a call',
      auth: 'bearer',
      params: CallPath,
      body: z.object({ members: z.array(Member).max(100).optional(), custom: CustomData.optional(), settings: CallSettings.optional() }),
      response: z.object({ call: CallInfo, created: z.boolean() }),
      handler: async ({ params, body, request }) => {
        const claims = await bearerClaims(request, deps.verify);
        const { call, created } = await deps.calls.getOrCreate(claims, { ...params, ...body });
        return { call, created };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/calls/:type/:id/participants',
      summary: 'List who is in a call now',
      auth: 'bearer',
      params: CallPath,
      response: z.object({ participants: z.array(Participant) }),
      handler: async ({ params, request }) => {
        const claims = await bearerClaims(request, deps.verify);
        await deps.calls.get(claims, params.type, params.id);
        const live = deps.calls.active.get(`${params.type}:${params.id}`);
        return { participants: live ? [...live.sessions.values()].map((s) => deps.calls.participantOf(live, s)) : [] };
      },
    }),
  ];
  if (deps.demo) {
    routes.unshift(
      defineRoute({
        method: 'POST',
        path: '/api/demo/token',
        summary: 'Demo mode only: a token for any user id, role user',
        auth: 'none',
        body: z.object({
          userId: UserId,
          name: z.string().max(128).optional(),
          ttlSeconds: z.number().int().min(10).max(DEMO_TOKEN_TTL).default(DEMO_TOKEN_TTL),
        }),
        response: TokenResponse,
        handler: async ({ body }) => {
          if (!deps.demo) throw new ServiceError('NOT_FOUND', 'demo mode is off');
          return { token: await signToken({ userId: body.userId, name: body.name ?? body.userId, role: 'user', ttlSeconds: body.ttlSeconds }, deps.credentials) };
        },
      }),
    );
  }
  return routes;
}
