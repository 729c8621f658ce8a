import { ConfabError } from '@confab/client';
import type { TokenSource } from '../app/token-source';

/** A call of `GET /api/v1/users/me/calls`, with how its latest ring to me ended. */
export interface MyCall {
  cid: string;
  type: string;
  id: string;
  createdBy: string;
  createdAt: string;
  endedAt: string | null;
  myRing: RingRecord | null;
}

/** One ring to one user, as the server recorded it. */
export interface RingRecord {
  userId: string;
  rungBy: string;
  round: number;
  status: 'ringing' | 'accepted' | 'rejected' | 'missed' | 'cancelled';
  reason: string | null;
  rungAt: string;
  answeredAt: string | null;
}

export interface PushSubscriptionBody {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** A REST request to the Confab server; a failure becomes a ConfabError with the server's code. */
async function request<T>(path: string, init: RequestInit & { tokens?: TokenSource } = {}): Promise<T> {
  const { tokens, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (tokens) headers.set('authorization', `Bearer ${await tokens.current()}`);
  if (rest.body !== undefined) headers.set('content-type', 'application/json');
  let res: Response;
  try {
    res = await fetch(path, { ...rest, headers });
  } catch (error) {
    throw new ConfabError('UNAVAILABLE', 'the server cannot be reached', { cause: error });
  }
  const body = (await res.json().catch(() => null)) as (T & { error?: { code?: unknown; message?: unknown } }) | null;
  if (res.ok && body) return body;
  throw ConfabError.from(body?.error ?? new Error(`${rest.method ?? 'GET'} ${path} failed with HTTP ${res.status}`));
}

/** The user's recent calls, newest first. */
export async function fetchMyCalls(tokens: TokenSource, limit = 20): Promise<MyCall[]> {
  return (await request<{ calls: MyCall[] }>(`/api/v1/users/me/calls?limit=${limit}`, { tokens })).calls;
}

/** Every ring of one call (to anyone), oldest first. */
export async function fetchCallRings(tokens: TokenSource, type: string, id: string): Promise<RingRecord[]> {
  const path = `/api/v1/calls/${encodeURIComponent(type)}/${encodeURIComponent(id)}`;
  return (await request<{ rings: RingRecord[] }>(path, { tokens })).rings;
}

export async function fetchVapidPublicKey(): Promise<string> {
  return (await request<{ publicKey: string }>('/api/v1/push/vapid-public-key')).publicKey;
}

export async function savePushSubscription(tokens: TokenSource, subscription: PushSubscriptionBody): Promise<void> {
  await request('/api/v1/push/subscriptions', { method: 'POST', tokens, body: JSON.stringify(subscription) });
}
