import { useEffect } from 'react';

/**
 * While a ring shows in a tab the user is not looking at, a system notification says so (when
 * notifications are allowed); it goes away when the ring screen does. Clicking it brings the tab
 * forward (the service worker focuses it).
 */
export function useRingNotification(tag: string, title: string, body: string): void {
  useEffect(() => {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || !('serviceWorker' in navigator)) return;
    let alive = true;
    let registration: ServiceWorkerRegistration | undefined;
    const show = async () => {
      if (document.visibilityState !== 'hidden') return;
      registration = await navigator.serviceWorker.getRegistration().catch(() => undefined);
      if (!alive || !registration) return;
      await registration
        .showNotification(title, { body, tag, requireInteraction: true, icon: '/favicon.svg', data: { url: location.pathname } })
        .catch(() => undefined);
    };
    void show();
    document.addEventListener('visibilitychange', show);
    return () => {
      alive = false;
      document.removeEventListener('visibilitychange', show);
      void registration?.getNotifications({ tag }).then((all) => all.forEach((n) => n.close()), () => undefined);
    };
  }, [tag, title, body]);
}
