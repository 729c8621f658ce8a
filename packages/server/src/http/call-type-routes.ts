import { z } from 'zod';
import { Capability, CallTypeName, MediaPath } from '@confab/protocol';
import type { TokenClaims } from '../auth/tokens.js';
import type { ApiCredentials } from '../config/secrets.js';
import { ServiceError } from '../errors.js';
import type { CallStore } from '../store/call-store.js';
import { bearerClaims, requireApiKey } from './auth.js';
import { type AnyRouteSpec, defineRoute } from './route-spec.js';

export interface CallTypeRouteDeps {
  store: CallStore;
  credentials: ApiCredentials;
  verify: (token: string) => Promise<TokenClaims>;
}

const CallTypeBody = z.object({
  mediaPath: MediaPath,
  maxParticipants: z.number().int().min(1).max(10_000),
  audioOnly: z.boolean().default(false),
  /** role -> capabilities; roles are free-form (admin, host, user, guest, or your own). */
  grants: z.record(z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/), z.array(Capability).max(32)),
});

const CallTypeOut = CallTypeBody.extend({ name: z.string() });

/** Call types and their role grants: readable by any user, editable by an admin (or the API key). */
export function callTypeRoutes(deps: CallTypeRouteDeps): AnyRouteSpec[] {
  async function requireAdmin(request: Parameters<typeof bearerClaims>[0]): Promise<void> {
    if (/^Basic /i.test(request.headers.authorization ?? '')) return requireApiKey(request, deps.credentials);
    const claims = await bearerClaims(request, deps.verify);
    if (claims.role !== 'admin') throw new ServiceError('FORBIDDEN', 'only an admin may change call types');
  }
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/call-types',
      summary: 'Every call type with its media path, limit and role grants',
      auth: 'bearer',
      response: z.object({ callTypes: z.array(CallTypeOut) }),
      handler: async ({ request }) => {
        await bearerClaims(request, deps.verify);
        return { callTypes: await deps.store.listCallTypes() };
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/v1/call-types/:name',
      summary: 'Create or replace a call type (admin token or API key); applies to calls joined from now on',
      auth: 'bearer',
      params: z.object({ name: CallTypeName }),
      body: CallTypeBody,
      response: z.object({ callType: CallTypeOut }),
      handler: async ({ params, body, request }) => {
        await requireAdmin(request);
        const callType = { name: params.name, ...body };
        await deps.store.upsertCallType(callType);
        return { callType };
      },
    }),
  ];
}
