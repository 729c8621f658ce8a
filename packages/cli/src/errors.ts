/** A failure the command reports as one line (no stack trace unless DEBUG=confab*). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

export const debugEnabled = (): boolean => /(^|,)\s*confab/.test(process.env.DEBUG ?? '');

/** One line describing a network error the way a person can act on it. */
export function describeNetworkError(error: unknown): string {
  const err = error as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  const code = err?.cause?.code ?? err?.code;
  const detail = err?.cause?.message ?? err?.message ?? String(error);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || err?.message?.includes('aborted due to timeout')) return 'timed out';
  if (code === 'ECONNRESET') return 'connection reset';
  return detail;
}
