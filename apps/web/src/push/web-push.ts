import { ConfabError } from '@confab/client';
import { fetchVapidPublicKey, savePushSubscription } from '../api/rest';
import type { TokenSource } from '../app/token-source';

/**
 * Web Push, so calls reach this browser while Confab is closed (docs/webhooks.md): the service
 * worker (/sw.js) shows the ring; the app subscribes with the server's VAPID key and registers the
 * subscription for the signed-in user.
 */
export type PushStatus =
  | { state: 'unsupported' }
  | { state: 'blocked' }
  /** Permission not asked yet: the user may turn notifications on. */
  | { state: 'ask' }
  | { state: 'subscribing' }
  | { state: 'subscribed' }
  /** Allowed, but subscribing failed (no push service here, server refused, …). */
  | { state: 'unavailable'; reason: string };

export const SERVICE_WORKER_URL = '/sw.js';

export function pushSupported(): boolean {
  return typeof navigator !== 'undefined' && 'serviceWorker' in navigator && typeof window !== 'undefined' && 'PushManager' in window && 'Notification' in window;
}

/** Registers the service worker (also used for notifications while the tab is in the background). */
export async function registerServiceWorker(): Promise<ServiceWorkerRegistration | null> {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return null;
  try {
    return await navigator.serviceWorker.register(SERVICE_WORKER_URL, { scope: '/' });
  } catch {
    return null;
  }
}

/** What can be done about push now, without asking the user anything. */
export function pushStatusNow(): PushStatus {
  if (!pushSupported()) return { state: 'unsupported' };
  if (Notification.permission === 'denied') return { state: 'blocked' };
  if (Notification.permission === 'default') return { state: 'ask' };
  return { state: 'subscribing' };
}

/** Asks for notification permission (call it from a click), then subscribes. */
export async function enablePush(registration: ServiceWorkerRegistration | null, tokens: TokenSource): Promise<PushStatus> {
  if (!pushSupported() || !registration) return { state: 'unsupported' };
  let permission: NotificationPermission;
  try {
    permission = await Notification.requestPermission();
  } catch {
    permission = Notification.permission;
  }
  if (permission === 'denied') return { state: 'blocked' };
  if (permission !== 'granted') return { state: 'ask' };
  return subscribePush(registration, tokens);
}

/** Subscribes (or reuses the subscription made with the same key) and registers it with the server. */
export async function subscribePush(registration: ServiceWorkerRegistration, tokens: TokenSource): Promise<PushStatus> {
  try {
    const key = base64UrlToBytes(await fetchVapidPublicKey());
    const ready = await readyRegistration(registration);
    let subscription = await ready.pushManager.getSubscription();
    if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
      // Subscribed with another server's key: that subscription cannot receive this server's pushes.
      await subscription.unsubscribe().catch(() => false);
      subscription = null;
    }
    subscription ??= await ready.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    const json = subscription.toJSON();
    const p256dh = json.keys?.p256dh;
    const auth = json.keys?.auth;
    if (!json.endpoint || !p256dh || !auth) return { state: 'unavailable', reason: 'the browser gave an incomplete subscription' };
    await savePushSubscription(tokens, { endpoint: json.endpoint, keys: { p256dh, auth } });
    return { state: 'subscribed' };
  } catch (error) {
    return { state: 'unavailable', reason: reasonOf(error) };
  }
}

/** The registration once its worker is active (pushManager.subscribe needs an active worker). */
async function readyRegistration(registration: ServiceWorkerRegistration): Promise<ServiceWorkerRegistration> {
  if (registration.active) return registration;
  return navigator.serviceWorker.ready;
}

function reasonOf(error: unknown): string {
  if (error instanceof ConfabError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return String(error);
}

export function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = value.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(value.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function sameKey(current: ArrayBuffer | null, wanted: Uint8Array): boolean {
  if (!current) return false;
  const a = new Uint8Array(current);
  return a.length === wanted.length && a.every((b, i) => b === wanted[i]);
}
