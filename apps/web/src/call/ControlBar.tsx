import type { Call } from '@confab/client';
import { useSourceStatus } from '@confab/react';
import type { ReactNode } from 'react';
import { EndCallButton } from './EndCallButton';
import { CameraIcon, CameraOffIcon, ChatIcon, HangUpIcon, MicIcon, MicOffIcon, ScreenIcon } from '../ui/icons';

interface ControlBarProps {
  call: Call;
  /** The local user id (the creator may end the call for everyone). */
  userId: string;
  chatOpen: boolean;
  unread: number;
  onToggleChat(): void;
  onLeave(): void;
  /** Runs a device action; failures become a notice. */
  run(what: string, action: () => Promise<void>): void;
}

const canShareScreen = typeof navigator !== 'undefined' && !!navigator.mediaDevices && 'getDisplayMedia' in navigator.mediaDevices;

/** The call's controls: microphone, camera, screen, chat, leave, and (for its creator) end for everyone. */
export function ControlBar({ call, userId, chatOpen, unread, onToggleChat, onLeave, run }: ControlBarProps) {
  const mic = useSourceStatus(call.microphone) === 'enabled';
  const camera = useSourceStatus(call.camera) === 'enabled';
  const screen = useSourceStatus(call.screenShare) === 'enabled';

  return (
    <nav className="controls" aria-label="Call controls">
      <ControlButton
        testId="toggle-mic"
        on={mic}
        label={mic ? 'Mute' : 'Unmute'}
        icon={mic ? <MicIcon /> : <MicOffIcon />}
        onClick={() => run('microphone', () => call.microphone.toggle())}
        offStyle="danger"
      />
      <ControlButton
        testId="toggle-camera"
        on={camera}
        label={camera ? 'Stop video' : 'Start video'}
        icon={camera ? <CameraIcon /> : <CameraOffIcon />}
        onClick={() => run('camera', () => call.camera.toggle())}
        offStyle="danger"
      />
      {canShareScreen && (
        <ControlButton
          testId="toggle-screen"
          on={screen}
          label={screen ? 'Stop sharing' : 'Share screen'}
          icon={<ScreenIcon />}
          onClick={() => run('screen sharing', () => call.screenShare.toggle())}
          onStyle="active"
        />
      )}
      <ControlButton
        testId="toggle-chat"
        on={chatOpen}
        label="Chat"
        icon={<ChatIcon />}
        onClick={onToggleChat}
        onStyle="active"
        badge={!chatOpen && unread > 0 ? unread : undefined}
      />
      <button type="button" className="control control--leave" onClick={onLeave} data-testid="leave-button" aria-label="Leave call" title="Leave call">
        <span className="control__icon">
          <HangUpIcon />
        </span>
        <span className="control__label">Leave</span>
      </button>
      <EndCallButton call={call} userId={userId} run={run} />
    </nav>
  );
}

interface ControlButtonProps {
  testId: string;
  on: boolean;
  label: string;
  icon: ReactNode;
  onClick(): void;
  /** How the button looks when off: red for a muted mic or camera. */
  offStyle?: 'plain' | 'danger';
  /** How it looks when on: highlighted for sharing and the open chat. */
  onStyle?: 'plain' | 'active';
  badge?: number | undefined;
}

function ControlButton({ testId, on, label, icon, onClick, offStyle = 'plain', onStyle = 'plain', badge }: ControlButtonProps) {
  const modifier = on ? (onStyle === 'active' ? 'control--active' : '') : offStyle === 'danger' ? 'control--off' : '';
  return (
    <button
      type="button"
      className={`control ${modifier}`}
      onClick={onClick}
      aria-pressed={on}
      aria-label={label}
      title={label}
      data-testid={testId}
      data-state={on ? 'on' : 'off'}
    >
      <span className="control__icon">
        {icon}
        {badge !== undefined && (
          <span className="control__badge" data-testid={`${testId}-badge`}>
            {badge > 9 ? '9+' : badge}
          </span>
        )}
      </span>
      <span className="control__label">{label}</span>
    </button>
  );
}
