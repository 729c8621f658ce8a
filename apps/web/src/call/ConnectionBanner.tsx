import { CallingState } from '@confab/client';

const TEXT: Partial<Record<CallingState, string>> = {
  [CallingState.RECONNECTING]: 'Reconnecting…',
  [CallingState.MIGRATING]: 'Moving you to another server…',
  [CallingState.OFFLINE]: "You are offline — we'll reconnect when the network is back",
};

/** A strip above the grid while the call is being restored; the grid stays as it was meanwhile. */
export function ConnectionBanner({ callingState }: { callingState: CallingState }) {
  const text = TEXT[callingState];
  if (!text) return null;
  return (
    <div className={`connection-banner connection-banner--${callingState}`} role="status" aria-live="polite" data-testid="connection-banner" data-state={callingState}>
      {callingState !== CallingState.OFFLINE && <span className="connection-banner__spinner" aria-hidden="true" />}
      {text}
    </div>
  );
}
