import type { EndReason } from '../app/call-session';
import { CenteredCard } from '../ui/CenteredCard';

const TITLES: Record<EndReason, string> = {
  left: 'You left the call',
  kicked: 'You were removed from the call',
  ended: 'The call was ended',
};

/** After leaving (or being removed, or the call ending): rejoin or go back to the lobby. */
export function LeftScreen({ callId, reason, onRejoin, onBackToLobby }: { callId: string; reason: EndReason; onRejoin(): void; onBackToLobby(): void }) {
  return (
    <CenteredCard testId="left-screen">
      <h1 className="centered-card__title" data-testid="left-title" data-reason={reason}>
        {TITLES[reason]}
      </h1>
      <p className="centered-card__text">
        Call <strong>{callId}</strong>
      </p>
      <div className="centered-card__actions">
        {reason !== 'ended' && (
          <button type="button" className="button button--primary" onClick={onRejoin} data-testid="rejoin-button">
            Rejoin
          </button>
        )}
        <button type="button" className="button button--secondary" onClick={onBackToLobby} data-testid="back-to-lobby">
          Back to lobby
        </button>
      </div>
    </CenteredCard>
  );
}
