import type { Call } from '@confab/client';
import { BehaviorSubject, type Observable } from 'rxjs';

/** How the ring to one callee stands, as the caller sees it. */
export type CalleeOutcome =
  | { userId: string; state: 'ringing' }
  | { userId: string; state: 'accepted' }
  | { userId: string; state: 'rejected'; reason: string | null }
  | { userId: string; state: 'missed' };

/** ringing: nobody answered yet; answered: someone took the call; unanswered: everyone declined or missed it. */
export type OutgoingPhase = 'ringing' | 'answered' | 'unanswered';

export function phaseOf(callees: readonly CalleeOutcome[]): OutgoingPhase {
  if (callees.some((c) => c.state === 'accepted')) return 'answered';
  if (callees.some((c) => c.state === 'ringing')) return 'ringing';
  return 'unanswered';
}

/** What the outgoing-call screen says about one callee. */
export function describeOutcome(outcome: CalleeOutcome): string {
  switch (outcome.state) {
    case 'ringing':
      return 'Ringing…';
    case 'accepted':
      return 'Answered';
    case 'missed':
      return 'No answer';
    case 'rejected':
      if (outcome.reason === 'busy') return 'Busy in another call';
      if (!outcome.reason || outcome.reason === 'decline' || outcome.reason === 'declined') return 'Declined';
      return `Declined: ${outcome.reason}`;
  }
}

/** "bob, carol" -> ["bob", "carol"]: trimmed, without blanks and repeats. */
export function parseCallees(input: string): string[] {
  return [...new Set(input.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean))];
}

/**
 * The caller's side of a ring: each callee's outcome from the call's events. Created before the
 * join so no event is missed; the call drops these listeners when it is left.
 */
export class OutgoingRing {
  private readonly subject: BehaviorSubject<CalleeOutcome[]>;
  readonly callees$: Observable<CalleeOutcome[]>;

  constructor(
    readonly call: Call,
    readonly calleeIds: readonly string[],
  ) {
    this.subject = new BehaviorSubject<CalleeOutcome[]>(calleeIds.map((userId) => ({ userId, state: 'ringing' })));
    this.callees$ = this.subject.asObservable();
    call.on('call.accepted', ({ userId }) => this.settle({ userId, state: 'accepted' }));
    call.on('call.rejected', ({ userId, reason }) => this.settle({ userId, state: 'rejected', reason }));
    call.on('call.missed', ({ userId }) => this.settle({ userId, state: 'missed' }));
    // Someone who joins (for instance from the link) has answered, whatever the ring says.
    call.on('participant.joined', ({ participant }) => this.settle({ userId: participant.userId, state: 'accepted' }));
  }

  get callees(): CalleeOutcome[] {
    return this.subject.value;
  }

  get phase(): OutgoingPhase {
    return phaseOf(this.callees);
  }

  private settle(outcome: CalleeOutcome): void {
    const list = this.subject.value;
    const i = list.findIndex((c) => c.userId === outcome.userId);
    if (i < 0) {
      if (outcome.state === 'accepted') this.subject.next([...list, outcome]);
      return;
    }
    // An answer is final; a late "missed" does not undo an accept.
    if (list[i]!.state === 'accepted') return;
    this.subject.next(list.map((c, j) => (j === i ? outcome : c)));
  }
}
