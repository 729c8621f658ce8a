import { useObservableValue } from '@confab/react';
import { useEffect, useMemo } from 'react';
import { of } from 'rxjs';
import { fetchMyCalls } from '../api/rest';
import type { UserClient } from '../app/user-client';
import { type MissedCall, MissedCalls } from './missed-calls';

const EMPTY$ = of<MissedCall[]>([]);

/**
 * The missed calls of the signed-in user: kept per user id, and merged with the server's call
 * history each time the client comes online (rings that came while no device was connected).
 */
export function useMissedCalls(user: UserClient | null, online: boolean): { store: MissedCalls | null; list: MissedCall[] } {
  const userId = user?.identity.userId ?? null;
  const store = useMemo(() => (userId ? new MissedCalls(userId) : null), [userId]);
  useEffect(() => {
    if (!store || !user || !online) return;
    let alive = true;
    fetchMyCalls(user.tokens).then(
      (calls) => alive && store.mergeHistory(calls),
      () => undefined, // The list shows what this page saw; the history is a bonus.
    );
    return () => {
      alive = false;
    };
  }, [store, user, online]);
  const list = useObservableValue(store?.list$ ?? EMPTY$, store?.list ?? []);
  return { store, list };
}
