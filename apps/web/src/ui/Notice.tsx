import { CloseIcon } from './icons';

export interface NoticeView {
  id: number;
  text: string;
  tone: 'info' | 'warning';
}

/** One line the app wants the user to see when they come back to the lobby ("Missed call from Alice"). */
export function Notice({ notice, onDismiss }: { notice: NoticeView; onDismiss(): void }) {
  return (
    <div className={`notice notice--${notice.tone}`} role="status" data-testid="lobby-notice">
      <span data-testid="lobby-notice-text">{notice.text}</span>
      <button type="button" className="notice__dismiss" onClick={onDismiss} aria-label="Dismiss" data-testid="dismiss-notice">
        <CloseIcon size={16} />
      </button>
    </div>
  );
}
