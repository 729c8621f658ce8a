import type { CallInfo } from '@confab/protocol';

/** A ring, as told to channels that reach users whose app is closed (Web Push, webhooks). */
export interface RingNotice {
  call: CallInfo;
  from: { userId: string; name: string };
  /** Everyone rung, and whether they had a connected device at that moment. */
  recipients: { userId: string; online: boolean }[];
  rungAt: string;
}

/** How a ring ended for one callee, or for all of them. */
export interface RingOutcome {
  type: 'call.accepted' | 'call.rejected' | 'call.missed' | 'call.ring.cancelled' | 'call.ended';
  cid: string;
  userId: string | null;
  reason: string | null;
  at: string;
}

/** Fire-and-forget: a channel records and retries on its own and never throws into ringing. */
export interface RingChannel {
  ring(notice: RingNotice): void;
  outcome?(outcome: RingOutcome): void;
}
