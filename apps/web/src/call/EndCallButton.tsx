import type { Call } from '@confab/client';
import { useCallInfo } from '@confab/react';
import { useEffect, useState } from 'react';
import { PowerIcon } from '../ui/icons';

interface EndCallButtonProps {
  call: Call;
  /** The local user; only the call's creator sees the button (hosts and admins could too, via the SDK). */
  userId: string;
  /** Runs the action; a failure (FORBIDDEN, …) becomes a notice. */
  run(what: string, action: () => Promise<void>): void;
}

/** "End for everyone", with a confirmation: ends the call for all (call.endCall()). */
export function EndCallButton({ call, userId, run }: EndCallButtonProps) {
  const info = useCallInfo(call);
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    if (!confirming) return;
    const timer = setTimeout(() => setConfirming(false), 6000);
    return () => clearTimeout(timer);
  }, [confirming]);
  if (!info || info.createdBy !== userId) return null;

  return (
    <div className="end-call">
      {confirming && (
        <div className="end-call__confirm" role="dialog" aria-label="End the call for everyone?">
          <span>End the call for everyone?</span>
          <button
            type="button"
            className="button button--danger button--small"
            onClick={() => {
              setConfirming(false);
              run('call', () => call.endCall());
            }}
            data-testid="end-call-confirm"
          >
            End call
          </button>
          <button type="button" className="button button--ghost-dark button--small" onClick={() => setConfirming(false)} data-testid="end-call-cancel">
            Keep it
          </button>
        </div>
      )}
      <button
        type="button"
        className="control control--end"
        onClick={() => setConfirming((c) => !c)}
        aria-expanded={confirming}
        aria-label="End the call for everyone"
        title="End the call for everyone"
        data-testid="end-call-button"
      >
        <span className="control__icon">
          <PowerIcon />
        </span>
        <span className="control__label">End for all</span>
      </button>
    </div>
  );
}
