import { useState } from 'react';
import type { JoinSettings } from '../app/call-session';
import { callTypeLabel } from '../app/call-types';
import { describeError, type ErrorView } from '../app/errors';
import type { IncomingCall } from '../ringing/incoming-call';
import { useRingNotification } from '../ringing/use-ring-notification';
import { useRingtone } from '../ringing/use-ringtone';
import { Avatar } from '../ui/Avatar';
import { CenteredCard } from '../ui/CenteredCard';
import { ErrorNotice } from '../ui/ErrorNotice';
import { CameraIcon, CameraOffIcon, HangUpIcon, MicIcon, MicOffIcon, PhoneIcon } from '../ui/icons';

type Media = Pick<JoinSettings, 'audio' | 'video' | 'audioDeviceId' | 'videoDeviceId'>;

interface IncomingCallScreenProps {
  cid: string;
  callType: string;
  incoming: IncomingCall;
  /** The camera and microphone as the lobby had them; the user may change them before answering. */
  media: Media;
  onAccept(media: Media): Promise<void>;
  onDecline(): Promise<void>;
}

/** CallingState.RINGING: who calls, a ringtone, and Accept or Decline. */
export function IncomingCallScreen({ cid, callType, incoming, media, onAccept, onDecline }: IncomingCallScreenProps) {
  const [audio, setAudio] = useState(media.audio);
  const [video, setVideo] = useState(media.video);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView | null>(null);
  const ringtone = useRingtone(!busy);
  const { name } = incoming.from;
  useRingNotification(cid, 'Incoming call', incoming.topic ? `${name} is calling: ${incoming.topic}` : `${name} is calling`);

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };

  return (
    <CenteredCard testId="incoming-call-screen">
      <div className="ringing" data-testid="incoming-call" data-ringtone={ringtone} data-from={incoming.from.userId}>
        <div className="ringing__avatar ringing__avatar--pulse">
          <Avatar name={name} size="md" />
        </div>
        <p className="ringing__kicker">Incoming {callTypeLabel(callType).toLowerCase()} call</p>
        <h1 className="centered-card__title" data-testid="incoming-caller">
          {name} is calling
        </h1>
        {incoming.topic && (
          <p className="ringing__topic" data-testid="incoming-topic">
            {incoming.topic}
          </p>
        )}
        {ringtone === 'waiting' && <p className="ringing__hint">Click anywhere to hear the ringtone.</p>}
      </div>
      <div className="ringing__media" aria-label="Answer with">
        <button
          type="button"
          className={`round-button ${audio ? '' : 'round-button--off'}`}
          onClick={() => setAudio((a) => !a)}
          aria-pressed={!audio}
          title={audio ? 'Answer with microphone on' : 'Answer muted'}
          data-testid="incoming-toggle-mic"
          data-state={audio ? 'on' : 'off'}
        >
          {audio ? <MicIcon /> : <MicOffIcon />}
        </button>
        <button
          type="button"
          className={`round-button ${video ? '' : 'round-button--off'}`}
          onClick={() => setVideo((v) => !v)}
          aria-pressed={!video}
          title={video ? 'Answer with camera on' : 'Answer without video'}
          data-testid="incoming-toggle-camera"
          data-state={video ? 'on' : 'off'}
        >
          {video ? <CameraIcon /> : <CameraOffIcon />}
        </button>
      </div>
      {error && <ErrorNotice error={error} testId="incoming-call-error" />}
      <div className="centered-card__actions">
        <button
          type="button"
          className="button button--danger"
          disabled={busy}
          onClick={() => act(onDecline)}
          data-testid="decline-call"
        >
          <HangUpIcon size={18} />
          Decline
        </button>
        <button
          type="button"
          className="button button--success"
          disabled={busy}
          onClick={() => act(() => onAccept({ ...media, audio, video }))}
          data-testid="accept-call"
          autoFocus
        >
          <PhoneIcon size={18} />
          Accept
        </button>
      </div>
    </CenteredCard>
  );
}
