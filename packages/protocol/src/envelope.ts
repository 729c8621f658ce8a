import { z } from 'zod';
import { ERROR_CODES, type ErrorBody, type ErrorCode } from './errors.js';
import { EVENTS, type EventName, type ServerEvent } from './events.js';
import { MAX_SIGNAL_MESSAGE_BYTES } from './limits.js';
import { REQUESTS, type ClientRequest, type RequestResult, type RequestType } from './requests.js';

export const RequestId = z.string().min(1).max(64);

export type ResponseMessage =
  | { type: 'response'; requestId: string | null; ok: true; result: unknown }
  | { type: 'response'; requestId: string | null; ok: false; error: ErrorBody };

/** Everything the server sends: responses to requests, and events. */
export type ServerMessage = ResponseMessage | ServerEvent;

export type DecodeResult<T> =
  | { ok: true; message: T }
  | { ok: false; requestId: string | null; error: ErrorBody };

const ErrorBodySchema = z.object({ code: z.enum(ERROR_CODES), message: z.string() });

function fail<T>(requestId: string | null, code: ErrorCode, message: string): DecodeResult<T> {
  return { ok: false, requestId, error: { code, message } };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 size; exact only when it could pass the limit (a string of n chars has at most 3n bytes). */
function byteLength(raw: string | Uint8Array): number {
  if (typeof raw !== 'string') return raw.byteLength;
  return raw.length * 3 <= MAX_SIGNAL_MESSAGE_BYTES ? raw.length : encoder.encode(raw).byteLength;
}

function parseJsonObject(raw: string | Uint8Array): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : decoder.decode(raw));
  } catch {
    return null;
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** Describes the first problem zod found, with its path, in one line. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid value';
  const path = issue.path.length > 0 ? issue.path.join('.') : 'value';
  return `${path}: ${issue.message}`;
}

/**
 * Decodes one signalling message from a client. Never throws: a malformed, unknown, invalid or
 * oversized message gives an error with a code, and the request id when one could be read.
 */
export function decodeClientMessage(raw: string | Uint8Array): DecodeResult<ClientRequest> {
  const size = byteLength(raw);
  if (size > MAX_SIGNAL_MESSAGE_BYTES) {
    return fail(null, 'INVALID_ARGUMENT', `message of ${size} bytes exceeds the limit of ${MAX_SIGNAL_MESSAGE_BYTES}`);
  }
  const obj = parseJsonObject(raw);
  if (!obj) return fail(null, 'INVALID_ARGUMENT', 'message is not a JSON object');
  const requestIdResult = RequestId.safeParse(obj.requestId);
  const requestId = requestIdResult.success ? requestIdResult.data : null;
  if (typeof obj.type !== 'string') return fail(requestId, 'INVALID_ARGUMENT', 'message has no string "type"');
  if (!Object.hasOwn(REQUESTS, obj.type)) {
    return fail(requestId, 'INVALID_ARGUMENT', `unknown message type "${obj.type.slice(0, 64)}"`);
  }
  if (requestId === null) return fail(null, 'INVALID_ARGUMENT', 'requestId must be a string of 1-64 characters');
  const type = obj.type as RequestType;
  const payload = REQUESTS[type].payload.safeParse(obj.payload ?? {});
  if (!payload.success) return fail(requestId, 'INVALID_ARGUMENT', `${type}: ${describeZodError(payload.error)}`);
  return { ok: true, message: { type, requestId, payload: payload.data } as ClientRequest };
}

export function encodeRequest<T extends RequestType>(
  type: T,
  requestId: string,
  payload: z.input<(typeof REQUESTS)[T]['payload']>,
): string {
  return JSON.stringify({ type, requestId, payload });
}

export function encodeResult<T extends RequestType>(requestId: string, _type: T, result: RequestResult<T>): string {
  return JSON.stringify({ type: 'response', requestId, ok: true, result });
}

export function encodeError(requestId: string | null, error: ErrorBody): string {
  return JSON.stringify({ type: 'response', requestId, ok: false, error });
}

export function encodeEvent(event: ServerEvent): string {
  return JSON.stringify(event);
}

const ResponseSchema = z.union([
  z.object({ type: z.literal('response'), requestId: RequestId.nullable(), ok: z.literal(true), result: z.unknown() }),
  z.object({ type: z.literal('response'), requestId: RequestId.nullable(), ok: z.literal(false), error: ErrorBodySchema }),
]);

/** Decodes what the server sent (used by tests and Node clients; the browser SDK trusts its server). */
export function decodeServerMessage(raw: string | Uint8Array): DecodeResult<ServerMessage> {
  const obj = parseJsonObject(raw);
  if (!obj) return fail(null, 'INVALID_ARGUMENT', 'message is not a JSON object');
  if (obj.type === 'response') {
    const parsed = ResponseSchema.safeParse(obj);
    if (!parsed.success) return fail(null, 'INVALID_ARGUMENT', describeZodError(parsed.error));
    return { ok: true, message: parsed.data as ResponseMessage };
  }
  if (typeof obj.type !== 'string' || !Object.hasOwn(EVENTS, obj.type)) {
    return fail(null, 'INVALID_ARGUMENT', `unknown event type "${String(obj.type).slice(0, 64)}"`);
  }
  const name = obj.type as EventName;
  const payload = EVENTS[name].safeParse(obj.payload);
  if (!payload.success) return fail(null, 'INVALID_ARGUMENT', `${name}: ${describeZodError(payload.error)}`);
  return { ok: true, message: { type: name, payload: payload.data } as ServerEvent };
}
