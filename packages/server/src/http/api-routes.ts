import { z } from 'zod';
import { CallId, CallInfo, CallSettings, CallTypeName, Cid, CustomData, Member, Participant, UserId } from '@confab/protocol';
import { ROLES, signToken, type TokenClaims } from '../auth/tokens.js';
import type { CallService } from '../calls/call-service.js';
import { toParticipant } from '../calls/types.js';
import type { ApiCredentials } from '../config/secrets.js';
import { ServiceError } from '../errors.js';
import { bearerClaims, requireApiKey } from './auth.js';
import { type AnyRouteSpec, defineRoute } from './route-spec.js';

export interface ApiRouteDeps {
  calls: CallService;
  credentials: ApiCredentials;
  verify: (token: string) => Promise<TokenClaims>;
  demo: boolean;
}

const DEMO_TOKEN_TTL = 24 * 3600;
const CallPath = z.object({ type: CallTypeName, id: CallId });
const TokenResponse = z.object({ token: z.string() });

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
      summary: 'Read a call',
      auth: 'bearer',
      params: CallPath,
      response: z.object({ call: CallInfo }),
      handler: async ({ params, request }) => {
        const claims = await bearerClaims(request, deps.verify);
        return { call: await deps.calls.get(claims, params.type, params.id) };
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
        return { participants: live ? [...live.sessions.values()].map(toParticipant) : [] };
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
