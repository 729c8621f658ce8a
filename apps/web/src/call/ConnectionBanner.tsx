import { CallingState } from '@confab/client';

/** A strip above the grid while the connection is being restored (richer banners come later). */
export function ConnectionBanner({ callingState }: { callingState: CallingState }) {
  const text =
    callingState === CallingState.RECONNECTING
      ? 'Connection lost. Reconnecting…'
      : callingState === CallingState.MIGRATING
        ? 'Moving you to another server…'
        : callingState === CallingState.OFFLINE
          ? 'You are offline. We will reconnect when the network is back.'
          : null;
  if (!text) return null;
  return (
    <div className="connection-banner" role="status" data-testid="connection-banner" data-state={callingState}>
      {text}
    </div>
  );
}
