import { fetchDemoToken } from './demo-token';

/** Seconds-since-epoch `exp` of a JWT, read without verifying (only to know when to fetch another). */
export function tokenExpiry(token: string): number | null {
  try {
    const payload = token.split('.')[1];
    if (!payload) return null;
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof json.exp === 'number' ? json.exp : null;
  } catch {
    return null;
  }
}

const STALE_BEFORE_EXPIRY_MS = 60_000;

/**
 * Demo tokens for one user: `fresh()` always asks the server (the SDK's tokenProvider, which calls
 * it when a token is refused or about to expire); `current()` reuses the last one while it is good,
 * for REST calls.
 */
export class TokenSource {
  private token: string | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    readonly userId: string,
    readonly name: string,
  ) {}

  fresh = async (): Promise<string> => {
    this.pending ??= fetchDemoToken(this.userId, this.name).finally(() => (this.pending = null));
    const token = await this.pending;
    this.token = token;
    return token;
  };

  async current(): Promise<string> {
    const expiry = this.token ? tokenExpiry(this.token) : null;
    if (this.token && (expiry === null || expiry * 1000 - Date.now() > STALE_BEFORE_EXPIRY_MS)) return this.token;
    return this.fresh();
  }
}
