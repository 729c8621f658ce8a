import { useCallback, useEffect, useState } from 'react';
import type { UserClient } from '../app/user-client';
import { enablePush, type PushStatus, pushStatusNow, registerServiceWorker, subscribePush } from './web-push';

export interface WebPush {
  status: PushStatus | null;
  /** Asks for notification permission (from a click) and subscribes. */
  enable(): void;
}

/**
 * Once the user's client is online: registers the service worker and, when notifications are
 * already allowed, subscribes this browser to pushes for that user. Never throws: every failure is
 * a status the lobby shows as a quiet hint.
 */
export function useWebPush(user: UserClient | null, online: boolean): WebPush {
  const [status, setStatus] = useState<PushStatus | null>(null);
  const [registration, setRegistration] = useState<ServiceWorkerRegistration | null>(null);

  useEffect(() => {
    if (!user || !online) return;
    let alive = true;
    void (async () => {
      const reg = await registerServiceWorker();
      if (!alive) return;
      setRegistration(reg);
      const now = reg ? pushStatusNow() : ({ state: 'unsupported' } as const);
      setStatus(now);
      if (now.state !== 'subscribing' || !reg) return;
      const result = await subscribePush(reg, user.tokens);
      if (alive) setStatus(result);
    })();
    return () => {
      alive = false;
    };
  }, [user, online]);

  const enable = useCallback(() => {
    if (!user) return;
    setStatus({ state: 'subscribing' });
    void enablePush(registration, user.tokens).then(setStatus);
  }, [user, registration]);

  return { status, enable };
}
