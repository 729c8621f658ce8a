import type { Call } from '@confab/client';
import { fetchCallRings } from '../api/rest';
import type { TokenSource } from '../app/token-source';

/** A ring this browser shows: who calls, about what, and what this device answered. */
export interface IncomingCall {
  from: { userId: string; name: string };
  /** The call's custom `topic`, when the caller set one. */
  topic: string | null;
  /** Set when this device answers, so the end of the ringing is not taken for a missed call. */
  answer: 'accepted' | 'declined' | null;
}

export function incomingCallOf(call: Call, from: { userId: string; name: string }): IncomingCall {
  const topic = call.state.call?.custom?.topic;
  return { from, topic: typeof topic === 'string' && topic.trim() ? topic.trim() : null, answer: null };
}

/** Why a ring stopped without this device answering. */
export type RingEnd = 'answered-elsewhere' | 'declined-elsewhere' | 'missed' | 'unknown';

export function ringEndNotice(end: RingEnd, fromName: string): string {
  switch (end) {
    case 'answered-elsewhere':
      return 'Answered on another device';
    case 'declined-elsewhere':
      return 'Declined on another device';
    case 'missed':
      return `Missed call from ${fromName}`;
    case 'unknown':
      return `The call from ${fromName} stopped ringing`;
  }
}

const LOOKUP_ATTEMPTS = 6;
const LOOKUP_INTERVAL_MS = 250;

/**
 * The SDK says that a ring stopped (the call went back to IDLE, or LEFT when the call ended) but
 * not why, so ask the server's ring history: the latest ring to this user tells whether another of
 * their devices answered it, or the caller gave up or nobody answered. The server records the
 * outcome just after it tells the devices, so a ring still marked "ringing" is asked again shortly.
 */
export async function ringEndReason(tokens: TokenSource, call: Call, userId: string, endedCall: boolean): Promise<RingEnd> {
  if (endedCall) return 'missed';
  for (let attempt = 0; attempt < LOOKUP_ATTEMPTS; attempt++) {
    try {
      const mine = (await fetchCallRings(tokens, call.type, call.id)).filter((r) => r.userId === userId).at(-1);
      switch (mine?.status) {
        case 'accepted':
          return 'answered-elsewhere';
        case 'rejected':
          return 'declined-elsewhere';
        case 'missed':
        case 'cancelled':
          return 'missed';
        default:
          break;
      }
    } catch {
      // Try again; if the server stays unreachable, the reason stays unknown.
    }
    await new Promise((resolve) => setTimeout(resolve, LOOKUP_INTERVAL_MS));
  }
  return 'unknown';
}
