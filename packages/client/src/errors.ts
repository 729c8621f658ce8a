import { ERROR_CODES, type ErrorCode, isErrorCode } from '@confab/protocol';

export { ERROR_CODES, type ErrorCode };

/** Every error the SDK throws or rejects with: a `code` from a fixed list and a message a person can act on. */
export class ConfabError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfabError';
    this.code = code;
  }

  /** Wraps anything thrown into a ConfabError, keeping an existing one as it is. */
  static from(error: unknown, fallback: ErrorCode = 'INTERNAL'): ConfabError {
    if (error instanceof ConfabError) return error;
    const body = error as { code?: unknown; message?: unknown } | null;
    if (body && isErrorCode(body.code)) return new ConfabError(body.code, String(body.message ?? body.code));
    const message = error instanceof Error ? error.message : String(error);
    return new ConfabError(fallback, message, { cause: error });
  }
}

/** Maps getUserMedia / getDisplayMedia failures to ConfabErrors that say what to do. */
export function mediaError(error: unknown, device: string): ConfabError {
  const name = (error as { name?: string } | null)?.name;
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new ConfabError('FORBIDDEN', `permission to use the ${device} was denied`, { cause: error });
    case 'NotFoundError':
      return new ConfabError('NOT_FOUND', `no ${device} was found`, { cause: error });
    case 'NotReadableError':
    case 'AbortError':
      return new ConfabError('UNAVAILABLE', `the ${device} is in use or cannot be read`, { cause: error });
    case 'OverconstrainedError':
    case 'TypeError':
      return new ConfabError('INVALID_ARGUMENT', `the ${device} cannot satisfy the constraints`, { cause: error });
    default:
      return ConfabError.from(error);
  }
}
