import { useState } from 'react';
import { CenteredCard } from '../ui/CenteredCard';
import { AlertIcon } from '../ui/icons';

interface ConnectionLostScreenProps {
  callId: string;
  /** Joins the same call again (call.join()). */
  onRejoin(): Promise<void>;
  onLeave(): void;
}

/** CallingState.RECONNECTING_FAILED: the SDK gave up restoring the call; the user decides. */
export function ConnectionLostScreen({ callId, onRejoin, onLeave }: ConnectionLostScreenProps) {
  const [trying, setTrying] = useState(false);
  const rejoin = async () => {
    setTrying(true);
    try {
      await onRejoin();
    } finally {
      setTrying(false);
    }
  };
  return (
    <CenteredCard testId="connection-lost-screen">
      <AlertIcon className="centered-card__icon centered-card__icon--warning" width={40} height={40} />
      <h1 className="centered-card__title">Connection lost</h1>
      <p className="centered-card__text">
        We could not get you back into <strong>{callId}</strong>. Check that you are online, then rejoin.
      </p>
      <div className="centered-card__actions">
        <button type="button" className="button button--primary" onClick={rejoin} disabled={trying} data-testid="retry-connection">
          {trying ? 'Rejoining…' : 'Rejoin'}
        </button>
        <button type="button" className="button button--secondary" onClick={onLeave} data-testid="leave-failed-call">
          Leave
        </button>
      </div>
    </CenteredCard>
  );
}
