/** Error codes the SFU API throws; a subset of the protocol's error codes. */
export type SfuErrorCode = 'INVALID_ARGUMENT' | 'NOT_FOUND' | 'CONFLICT' | 'UNAVAILABLE' | 'INTERNAL';

/** A caller mistake or an unusable state, with a `code` the signalling layer can pass on. */
export class SfuError extends Error {
  constructor(
    readonly code: SfuErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SfuError';
  }
}

export function invalid(message: string, cause?: unknown): SfuError {
  return new SfuError('INVALID_ARGUMENT', message, cause === undefined ? undefined : { cause });
}

export function notFound(message: string): SfuError {
  return new SfuError('NOT_FOUND', message);
}

export function conflict(message: string): SfuError {
  return new SfuError('CONFLICT', message);
}
