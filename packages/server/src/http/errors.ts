import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { type ErrorCode, HTTP_STATUS_BY_CODE } from '@confab/protocol';
import type { Logger } from 'pino';
import { ServiceError } from '../errors.js';

export function sendError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  return reply.code(HTTP_STATUS_BY_CODE[code]).send({ error: { code, message } });
}

/** Every error leaves as `{"error":{"code","message"}}` with a fitting status and no stack trace. */
export function installErrorHandlers(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((error: FastifyError | ServiceError | Error, _request, reply) => {
    if (error instanceof ServiceError) return sendError(reply, error.code, error.message);
    const fe = error as FastifyError;
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, 'INVALID_ARGUMENT', 'request body is too large');
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendError(reply, 'INVALID_ARGUMENT', 'send JSON with content-type application/json');
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      const code: ErrorCode = fe.statusCode === 429 ? 'RATE_LIMITED' : fe.statusCode === 404 ? 'NOT_FOUND' : 'INVALID_ARGUMENT';
      return sendError(reply, code, fe.message);
    }
    logger.error({ err: error }, 'unhandled HTTP error');
    return sendError(reply, 'INTERNAL', 'internal server error');
  });
}
