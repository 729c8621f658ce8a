import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { describeZodError } from '@confab/protocol';
import { z } from 'zod';
import { ServiceError } from '../errors.js';

export type AuthKind = 'none' | 'bearer' | 'apiKey';

/** One REST route: the single source of its validation and of its OpenAPI entry. */
export interface RouteSpec<P extends z.ZodType, B extends z.ZodType, R extends z.ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify path, e.g. /api/v1/calls/:type/:id */
  path: string;
  summary: string;
  auth: AuthKind;
  params?: P;
  body?: B;
  response: R;
  handler: (input: { params: z.infer<P>; body: z.infer<B>; request: FastifyRequest; reply: FastifyReply }) => Promise<z.infer<R>>;
}

export type AnyRouteSpec = RouteSpec<z.ZodType, z.ZodType, z.ZodType>;

function parseOrThrow<T extends z.ZodType>(schema: T | undefined, value: unknown, what: string): z.infer<T> {
  if (!schema) return undefined as z.infer<T>;
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw new ServiceError('INVALID_ARGUMENT', `${what}: ${describeZodError(result.error)}`);
  return result.data;
}

export function defineRoute<P extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(spec: RouteSpec<P, B, R>): AnyRouteSpec {
  return spec as unknown as AnyRouteSpec;
}

export function registerRoutes(app: FastifyInstance, specs: AnyRouteSpec[]): void {
  for (const spec of specs) {
    app.route({
      method: spec.method,
      url: spec.path,
      handler: async (request, reply) => {
        const params = parseOrThrow(spec.params, request.params, 'path');
        const body = parseOrThrow(spec.body, request.body, 'body');
        return spec.handler({ params, body, request, reply });
      },
    });
  }
}

/** The OpenAPI 3.1 document of the given routes, schemas generated from zod. */
export function openApiDocument(specs: AnyRouteSpec[], info: { title: string; version: string }): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorSchema = {
    type: 'object',
    properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } },
    required: ['error'],
  };
  for (const spec of specs) {
    const oaPath = spec.path.replace(/:(\w+)/g, '{$1}');
    const parameters = [...spec.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const op: Record<string, unknown> = {
      summary: spec.summary,
      parameters,
      responses: {
        '200': { description: 'OK', content: { 'application/json': { schema: z.toJSONSchema(spec.response, { io: 'output', unrepresentable: 'any' }) } } },
        default: { description: 'Error', content: { 'application/json': { schema: errorSchema } } },
      },
    };
    if (spec.auth === 'bearer') op.security = [{ bearer: [] }];
    if (spec.auth === 'apiKey') op.security = [{ apiKey: [] }];
    if (spec.body) {
      op.requestBody = { required: true, content: { 'application/json': { schema: z.toJSONSchema(spec.body, { io: 'input', unrepresentable: 'any' }) } } };
    }
    (paths[oaPath] ??= {})[spec.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A client token (CONTRACT.md §4)' },
        apiKey: { type: 'http', scheme: 'basic', description: 'API key as user name, API secret as password' },
      },
    },
  };
}
