import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Call, CallEvents } from '@confab/client';
import { describeOutcome, OutgoingRing, parseCallees, phaseOf } from '../src/ringing/outgoing-ring';

/** Just enough of a Call for OutgoingRing: its event listeners. */
function fakeCall() {
  const listeners = new Map<string, ((payload: unknown) => void)[]>();
  const call = {
    on(name: string, fn: (payload: unknown) => void) {
      listeners.set(name, [...(listeners.get(name) ?? []), fn]);
      return () => undefined;
    },
  } as unknown as Call;
  const emit = <K extends keyof CallEvents>(name: K, payload: CallEvents[K]) => listeners.get(name)?.forEach((fn) => fn(payload));
  return { call, emit };
}

describe('outgoing ring', () => {
  it('parses the "Call a person" field', () => {
    assert.deepEqual(parseCallees(' bob, carol,,bob ;dave  eve '), ['bob', 'carol', 'dave', 'eve']);
    assert.deepEqual(parseCallees('  '), []);
  });

  it('says how each ring went', () => {
    assert.equal(describeOutcome({ userId: 'bob', state: 'ringing' }), 'Ringing…');
    assert.equal(describeOutcome({ userId: 'bob', state: 'missed' }), 'No answer');
    assert.equal(describeOutcome({ userId: 'bob', state: 'accepted' }), 'Answered');
    assert.equal(describeOutcome({ userId: 'bob', state: 'rejected', reason: null }), 'Declined');
    assert.equal(describeOutcome({ userId: 'bob', state: 'rejected', reason: 'decline' }), 'Declined');
    assert.equal(describeOutcome({ userId: 'bob', state: 'rejected', reason: 'busy' }), 'Busy in another call');
    assert.equal(describeOutcome({ userId: 'bob', state: 'rejected', reason: 'in a meeting' }), 'Declined: in a meeting');
  });

  it('is answered once anyone accepts, unanswered once everyone declined or missed it', () => {
    assert.equal(phaseOf([{ userId: 'a', state: 'ringing' }, { userId: 'b', state: 'missed' }]), 'ringing');
    assert.equal(phaseOf([{ userId: 'a', state: 'rejected', reason: null }, { userId: 'b', state: 'missed' }]), 'unanswered');
    assert.equal(phaseOf([{ userId: 'a', state: 'ringing' }, { userId: 'b', state: 'accepted' }]), 'answered');
  });

  it('follows the call events; an accept is final; someone joining counts as an answer', () => {
    const { call, emit } = fakeCall();
    const ring = new OutgoingRing(call, ['bob', 'carol']);
    const seen: string[] = [];
    ring.callees$.subscribe((list) => seen.push(list.map((c) => `${c.userId}:${c.state}`).join(',')));
    emit('call.rejected', { userId: 'carol', reason: 'busy' });
    assert.equal(ring.phase, 'ringing');
    emit('call.accepted', { userId: 'bob' });
    emit('call.missed', { userId: 'bob' });
    assert.equal(ring.phase, 'answered');
    assert.deepEqual(seen, ['bob:ringing,carol:ringing', 'bob:ringing,carol:rejected', 'bob:accepted,carol:rejected']);

    const other = fakeCall();
    const alone = new OutgoingRing(other.call, ['dave']);
    other.emit('call.missed', { userId: 'dave' });
    assert.equal(alone.phase, 'unanswered');
    other.emit('participant.joined', { participant: { userId: 'erin' } as never });
    assert.equal(alone.phase, 'answered', 'someone opened the link and joined');
    assert.deepEqual(alone.callees.map((c) => c.userId), ['dave', 'erin']);
  });
});
