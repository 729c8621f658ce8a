import { CenteredCard } from '../ui/CenteredCard';

/** CallingState.RECONNECTING_FAILED: the SDK gave up restoring the call. */
export function ConnectionLostScreen({ onBackToLobby }: { onBackToLobby(): void }) {
  return (
    <CenteredCard testId="connection-lost-screen">
      <h1 className="centered-card__title">Connection lost</h1>
      <p className="centered-card__text">The call could not be restored. Check that you are online, then join again.</p>
      <div className="centered-card__actions">
        <button type="button" className="button button--secondary" onClick={onBackToLobby} data-testid="back-to-lobby">
          Back to lobby
        </button>
      </div>
    </CenteredCard>
  );
}
