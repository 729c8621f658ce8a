import { ParticipantVideo, useLocalParticipant, useObservableValue } from '@confab/react';
import { useState } from 'react';
import { type CalleeOutcome, describeOutcome, type OutgoingRing, phaseOf } from '../ringing/outgoing-ring';
import { Avatar } from '../ui/Avatar';
import { CenteredCard } from '../ui/CenteredCard';
import { HangUpIcon } from '../ui/icons';

interface OutgoingCallScreenProps {
  ring: OutgoingRing;
  /** Cancels the ring (leaves the call) and goes back to the lobby. */
  onCancel(): void;
}

/**
 * The caller is in the call, alone, while the callees' devices ring: who is rung and how each ring
 * went, and Cancel. When every callee declined or missed it, says so and offers the lobby.
 */
export function OutgoingCallScreen({ ring, onCancel }: OutgoingCallScreenProps) {
  const callees = useObservableValue(ring.callees$, ring.callees);
  const phase = phaseOf(callees);
  const me = useLocalParticipant(ring.call);
  const [leaving, setLeaving] = useState(false);
  const cancel = () => {
    setLeaving(true);
    onCancel();
  };
  const names = callees.map((c) => c.userId).join(', ');

  return (
    <CenteredCard testId="outgoing-call-screen">
      <div className="ringing" data-testid="outgoing-call" data-phase={phase} data-cid={ring.call.cid}>
        <div className={`ringing__self ${phase === 'ringing' ? 'ringing__avatar--pulse' : ''}`}>
          {me?.videoStream && me.publishedTracks.includes('video') ? (
            <ParticipantVideo className="ringing__self-video" stream={me.videoStream} mirror data-testid="outgoing-self-video" />
          ) : (
            <Avatar name={names} size="md" />
          )}
        </div>
        <p className="ringing__kicker">{phase === 'ringing' ? 'Calling' : 'No one took the call'}</p>
        <h1 className="centered-card__title" data-testid="outgoing-callees">
          {names}
        </h1>
        <p className="centered-card__text" data-testid="outgoing-status">
          {phase === 'ringing' ? 'Ringing…' : summary(callees)}
        </p>
      </div>
      {callees.length > 1 || phase !== 'ringing' ? (
        <ul className="callee-list" data-testid="callee-list">
          {callees.map((c) => (
            <li key={c.userId} className={`callee callee--${c.state}`} data-testid={`callee-${c.userId}`} data-state={c.state}>
              <span className="callee__name">{c.userId}</span>
              <span className="callee__status" data-testid="callee-status">
                {describeOutcome(c)}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="centered-card__actions">
        {phase === 'ringing' ? (
          <button type="button" className="button button--danger" onClick={cancel} disabled={leaving} data-testid="cancel-call">
            <HangUpIcon size={18} />
            Cancel
          </button>
        ) : (
          <button type="button" className="button button--secondary" onClick={cancel} disabled={leaving} data-testid="back-to-lobby">
            Back to lobby
          </button>
        )}
      </div>
    </CenteredCard>
  );
}

/** "Bob declined", "No answer from Bob", "Carol declined; no answer from Dave". */
function summary(callees: CalleeOutcome[]): string {
  const declined = callees.filter((c) => c.state === 'rejected');
  const missed = callees.filter((c) => c.state === 'missed');
  const parts: string[] = [];
  if (declined.length) parts.push(`${declined.map((c) => c.userId).join(', ')} declined`);
  if (missed.length) parts.push(`${parts.length ? 'no' : 'No'} answer from ${missed.map((c) => c.userId).join(', ')}`);
  return parts.join('; ');
}
