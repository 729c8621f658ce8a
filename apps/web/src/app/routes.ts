/** The app's URLs: `/` (lobby) and `/call/<type>/<id>` (lobby pre-filled, then the call). */

export interface CallRoute {
  callType: string;
  callId: string;
}

const CALL_PATH = /^\/call\/([a-z0-9_-]{1,64})\/([A-Za-z0-9_-]{1,64})\/?$/;

export function parseCallRoute(pathname: string): CallRoute | null {
  const match = CALL_PATH.exec(pathname);
  if (!match) return null;
  return { callType: match[1]!, callId: match[2]! };
}

export function callPath({ callType, callId }: CallRoute): string {
  return `/call/${encodeURIComponent(callType)}/${encodeURIComponent(callId)}`;
}

/** The link people open to join the same call. */
export function callLink(route: CallRoute): string {
  return new URL(callPath(route), location.origin).toString();
}

/** Shows `route` in the address bar without a reload (no entry is added when it is already there). */
export function showCallRoute(route: CallRoute): void {
  const path = callPath(route);
  if (location.pathname !== path) history.pushState(null, '', path);
  else if (location.search) history.replaceState(null, '', path);
}

/** The page was opened from a ring notification: `/call/<type>/<id>?incoming=1`. */
export function isIncomingLink(): boolean {
  return new URLSearchParams(location.search).get('incoming') === '1';
}

/** Drops `?incoming=1` once the ring it announced was handled (a reload then shows the lobby). */
export function clearIncomingFlag(): void {
  if (isIncomingLink()) history.replaceState(null, '', location.pathname);
}
