// Confab's service worker: shows incoming calls while the app is closed (Web Push, docs/webhooks.md).
// The server pushes JSON:
//   { type: 'call.ring', cid, callType, callId, from: { userId, name }, custom, url }
//   { type: 'call.ring.stopped', cid, callType, callId, url }
// A ring becomes a notification tagged with the call's cid; the stop closes it. Clicking it focuses
// an open Confab window, or opens the call's URL (…?incoming=1), where the app connects and the
// server hands it the ring.

self.addEventListener('install', () => {
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

function readPush(event) {
  if (!event.data) return null;
  try {
    return event.data.json();
  } catch {
    return null;
  }
}

async function showRing(data) {
  const name = (data.from && (data.from.name || data.from.userId)) || 'Someone';
  const topic = data.custom && typeof data.custom.topic === 'string' && data.custom.topic.trim() ? data.custom.topic.trim() : '';
  await self.registration.showNotification('Incoming call', {
    body: topic ? `${name} is calling: ${topic}` : `${name} is calling`,
    tag: data.cid,
    renotify: true,
    requireInteraction: true,
    icon: '/favicon.svg',
    data: { url: data.url || `/call/${data.callType}/${data.callId}?incoming=1`, cid: data.cid },
  });
}

async function closeRing(cid) {
  const shown = await self.registration.getNotifications({ tag: cid });
  for (const notification of shown) notification.close();
}

self.addEventListener('push', (event) => {
  const data = readPush(event);
  if (!data || typeof data.cid !== 'string') return;
  if (data.type === 'call.ring') event.waitUntil(showRing(data));
  else if (data.type === 'call.ring.stopped') event.waitUntil(closeRing(data.cid));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = (event.notification.data && event.notification.data.url) || '/';
  const target = new URL(path, self.location.origin).href;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (open) {
        // The open app is (or will be) connected, and the ring is shown there.
        await open.focus();
        return;
      }
      await self.clients.openWindow(target);
    })(),
  );
});
