import type { MissedCall } from '../ringing/missed-calls';
import { PhoneIcon, PhoneMissedIcon } from '../ui/icons';

interface MissedCallsListProps {
  calls: MissedCall[];
  onCallBack(call: MissedCall): void;
  onClear(): void;
  canCall: boolean;
}

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const DAY = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

function when(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  return at.toDateString() === new Date().toDateString() ? TIME.format(at) : `${DAY.format(at)}, ${TIME.format(at)}`;
}

/** Rings that ended without an answer from any of your devices. */
export function MissedCallsList({ calls, onCallBack, onClear, canCall }: MissedCallsListProps) {
  if (calls.length === 0) return null;
  return (
    <section className="missed-calls" aria-label="Missed calls" data-testid="missed-calls">
      <header className="missed-calls__header">
        <h2>Missed calls</h2>
        <button type="button" className="link-button" onClick={onClear} data-testid="clear-missed-calls">
          Clear
        </button>
      </header>
      <ul>
        {calls.map((m) => (
          <li key={m.cid} className="missed-call" data-testid="missed-call" data-from={m.fromUserId} data-cid={m.cid}>
            <PhoneMissedIcon size={16} className="missed-call__icon" />
            <span className="missed-call__name">{m.fromName}</span>
            <time className="missed-call__time" dateTime={m.at}>
              {when(m.at)}
            </time>
            <button type="button" className="button button--ghost button--small" disabled={!canCall} onClick={() => onCallBack(m)} data-testid="call-back">
              <PhoneIcon size={14} />
              Call back
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
