import { createHmac } from 'node:crypto';
import type { IceServer } from '@confab/protocol';

/**
 * Time-limited TURN credentials in the TURN REST API scheme that coturn's `use-auth-secret`
 * verifies: username `expiry:userId`, credential base64(HMAC-SHA1(secret, username)).
 */
export function turnCredentials(secret: string, urls: string[], userId: string, ttlSeconds: number, now = Date.now()): IceServer {
  const username = `${Math.floor(now / 1000) + ttlSeconds}:${userId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { urls, username, credential };
}
