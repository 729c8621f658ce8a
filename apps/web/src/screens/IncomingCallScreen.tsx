import { useCall } from '@confab/react';
import { useState } from 'react';
import { describeError, type ErrorView } from '../app/errors';
import { CenteredCard } from '../ui/CenteredCard';
import { ErrorNotice } from '../ui/ErrorNotice';

/**
 * A ringing call (CallingState.RINGING): accept or decline. A plain version until the full
 * incoming-call screen (caller, ringtone, devices) is built.
 */
export function IncomingCallScreen() {
  const call = useCall();
  const [error, setError] = useState<ErrorView | null>(null);
  const act = (action: () => Promise<void>) => action().catch((e) => setError(describeError(e)));
  return (
    <CenteredCard testId="incoming-call-screen">
      <h1 className="centered-card__title">Incoming call</h1>
      <p className="centered-card__text">{call.id}</p>
      {error && <ErrorNotice error={error} testId="incoming-call-error" />}
      <div className="centered-card__actions">
        <button type="button" className="button button--primary" onClick={() => act(() => call.accept())} data-testid="accept-call">
          Accept
        </button>
        <button type="button" className="button button--secondary" onClick={() => act(() => call.reject('decline'))} data-testid="reject-call">
          Decline
        </button>
      </div>
    </CenteredCard>
  );
}
