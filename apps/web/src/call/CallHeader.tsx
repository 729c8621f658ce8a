import { callTypeLabel } from '../app/call-types';
import { CopyLinkButton } from '../ui/CopyLinkButton';
import { LogoMark, UsersIcon } from '../ui/icons';

interface CallHeaderProps {
  callId: string;
  callType: string;
  link: string;
  participantCount: number;
}

/** The call's name and type, how many are in it, and the link to invite others. */
export function CallHeader({ callId, callType, link, participantCount }: CallHeaderProps) {
  return (
    <header className="call-header">
      <div className="call-header__title">
        <LogoMark size={24} />
        <h1 className="call-header__id" data-testid="call-id">
          {callId}
        </h1>
        <span className="call-header__type">{callTypeLabel(callType)}</span>
      </div>
      <div className="call-header__actions">
        <span className="participant-count" title="People in the call" data-testid="participant-count" data-count={participantCount}>
          <UsersIcon size={16} />
          {participantCount}
        </span>
        <CopyLinkButton link={link} />
      </div>
    </header>
  );
}
