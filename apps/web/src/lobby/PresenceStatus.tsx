import type { PresenceStatus as Presence } from '../app/user-client';
import type { PushStatus } from '../push/web-push';
import type { WebPush } from '../push/use-web-push';
import { BellIcon } from '../ui/icons';

interface PresenceStatusProps {
  userId: string | null;
  presence: Presence | null;
  push: WebPush;
}

const PRESENCE_TEXT: Record<Presence['state'], string> = {
  connecting: 'Connecting…',
  online: 'Online: people can call you',
  reconnecting: 'Offline: reconnecting…',
  failed: 'Cannot connect',
};

/** Whether others can ring you now (connected), and whether they can while Confab is closed (push). */
export function PresenceStatus({ userId, presence, push }: PresenceStatusProps) {
  if (!presence || !userId) {
    return (
      <p className="presence" data-testid="presence" data-status="none">
        Enter your name to be reachable for calls.
      </p>
    );
  }
  const detail = presence.state === 'failed' || presence.state === 'reconnecting' ? presence.error?.message : undefined;
  return (
    <div className="presence-block">
      <p className={`presence presence--${presence.state}`} data-testid="presence" data-status={presence.state} data-user-id={userId}>
        <span className="presence__dot" aria-hidden="true" />
        <span>
          {PRESENCE_TEXT[presence.state]} <span className="presence__id">as {userId}</span>
        </span>
      </p>
      {detail && <p className="presence__hint">{detail}</p>}
      {presence.state === 'online' && push.status && <PushHint status={push.status} onEnable={push.enable} />}
    </div>
  );
}

/** A quiet line about notifications while Confab is closed; never an error. */
function PushHint({ status, onEnable }: { status: PushStatus; onEnable(): void }) {
  const common = { className: 'presence__hint', 'data-testid': 'push-status', 'data-state': status.state } as const;
  switch (status.state) {
    case 'ask':
      return (
        <p {...common}>
          <button type="button" className="link-button" onClick={onEnable} data-testid="enable-push">
            <BellIcon size={14} /> Get call notifications while Confab is closed
          </button>
        </p>
      );
    case 'subscribing':
      return <p {...common}>Setting up call notifications…</p>;
    case 'subscribed':
      return <p {...common}>Calls reach you as notifications while Confab is closed.</p>;
    case 'blocked':
      return <p {...common}>Notifications are blocked in this browser: calls reach you only while Confab is open.</p>;
    case 'unsupported':
      return <p {...common}>This browser cannot show calls while Confab is closed.</p>;
    case 'unavailable':
      return (
        <p {...common} title={status.reason}>
          Call notifications are not available here; calls reach you while Confab is open.
        </p>
      );
  }
}
