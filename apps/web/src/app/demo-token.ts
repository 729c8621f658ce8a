import { ConfabError } from '@confab/client';

/** A token from the server's demo endpoint (CONTRACT.md §3), as a ConfabError on failure. */
export async function fetchDemoToken(userId: string, name: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch('/api/demo/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId, name }),
    });
  } catch (error) {
    throw new ConfabError('UNAVAILABLE', 'the server cannot be reached', { cause: error });
  }
  const body = (await res.json().catch(() => null)) as { token?: string; error?: { code?: unknown; message?: unknown } } | null;
  if (res.ok && typeof body?.token === 'string') return body.token;
  if (res.status === 404) throw new ConfabError('UNAVAILABLE', 'this server does not hand out demo tokens (CONFAB_DEMO is off)');
  throw ConfabError.from(body?.error ?? new Error(`demo token request failed with HTTP ${res.status}`));
}
