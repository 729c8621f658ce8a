import { useObservableValue } from '@confab/react';
import { useEffect, useMemo } from 'react';
import { type Observable, of } from 'rxjs';
import { USER_ID_PATTERN } from './identity';
import type { Identity, PresenceStatus, UserClient, UserClients } from './user-client';

/** Wait this long after the last keystroke in the name or id before connecting as that user. */
const SETTLE_MS = 500;
const NO_STATUS$: Observable<PresenceStatus | null> = of(null);

export function validIdentity(name: string, userId: string): Identity | null {
  const trimmed = name.trim();
  return trimmed && USER_ID_PATTERN.test(userId) ? { userId, name: trimmed } : null;
}

/**
 * Keeps the user's client connected while the lobby shows a valid name and user id, so rings reach
 * this browser before any call is joined. A changed identity (once typing settles) replaces it.
 */
export function usePresence(users: UserClients, identity: Identity | null): { user: UserClient | null; status: PresenceStatus | null } {
  const key = identity ? `${identity.userId}\n${identity.name}` : '';
  useEffect(() => {
    if (!identity) return;
    const timer = setTimeout(() => users.clientFor(identity), SETTLE_MS);
    return () => clearTimeout(timer);
    // `key` stands for `identity`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [users, key]);

  const user = useObservableValue(users.current$, users.current);
  const status$ = useMemo(() => (user ? (user.status$ as Observable<PresenceStatus | null>) : NO_STATUS$), [user]);
  const status = useObservableValue(status$, null);
  return { user, status };
}
