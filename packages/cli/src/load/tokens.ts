import { SignJWT } from 'jose';
import { CliError, describeNetworkError } from '../errors.js';

export type TokenSource = (userId: string, name: string) => Promise<string>;

/** Tokens signed locally with the API key and secret (HS256, CONTRACT.md §4). */
export function apiKeyTokens(apiKey: string, apiSecret: string, ttlSeconds = 6 * 3600): TokenSource {
  const key = new TextEncoder().encode(apiSecret);
  return (userId, name) =>
    new SignJWT({ name, role: 'user' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(apiKey)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      .sign(key);
}

/** Tokens from the server's demo endpoint (`POST /api/demo/token`), retried when rate limited. */
export function demoTokens(baseUrl: string): TokenSource {
  return async (userId, name) => {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(`${baseUrl}/api/demo/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userId, name }),
          signal: AbortSignal.timeout(10_000),
        });
      } catch (error) {
        throw new CliError(`cannot get a demo token from ${baseUrl}: ${describeNetworkError(error)}`, 1, { cause: error });
      }
      if (res.status === 429 && attempt < 20) {
        await res.body?.cancel();
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      if (res.status === 404) throw new CliError(`${baseUrl} has no demo tokens (CONFAB_DEMO=0): give --api-key and --api-secret`);
      if (!res.ok) throw new CliError(`demo token refused: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
      return ((await res.json()) as { token: string }).token;
    }
  };
}
