import type { ErrorBody, ErrorCode } from '@confab/protocol';

/** An error a caller can act on: it carries a protocol code and is sent as-is to the client. */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ServiceError';
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}

/** Maps anything thrown to an error body; unexpected errors become INTERNAL without details. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof ServiceError) return error.toBody();
  return { code: 'INTERNAL', message: 'internal server error' };
}

export const fail = (code: ErrorCode, message: string): never => {
  throw new ServiceError(code, message);
};
