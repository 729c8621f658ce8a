import type { CallParticipant } from '@confab/client';
import { ParticipantVideo } from '@confab/react';
import { Avatar } from '../ui/Avatar';
import { CameraOffIcon, MicOffIcon, ScreenIcon } from '../ui/icons';

/** What one tile shows: a participant's camera, or their shared screen. */
export type TileContent = 'camera' | 'screen';

/** One participant in the grid: video or initials, name, muted indicators, speaking highlight. */
export function ParticipantTile({ participant: p, content }: { participant: CallParticipant; content: TileContent }) {
  const micOn = p.publishedTracks.includes('audio');
  const cameraOn = p.publishedTracks.includes('video') && !!p.videoStream;
  const isScreen = content === 'screen';
  const stream = isScreen ? p.screenShareStream : cameraOn ? p.videoStream : undefined;
  const speaking = !isScreen && micOn && p.isSpeaking;
  const label = isScreen ? `${p.name}'s screen` : p.isLocal ? `${p.name} (You)` : p.name;

  return (
    <div
      className={`tile ${speaking ? 'tile--speaking' : ''} ${isScreen ? 'tile--screen' : ''}`}
      data-testid={isScreen ? `screen-${p.userId}` : `tile-${p.userId}`}
      data-session-id={p.sessionId}
      data-mic={micOn ? 'on' : 'off'}
      data-camera={cameraOn ? 'on' : 'off'}
      data-speaking={speaking ? 'true' : 'false'}
    >
      {stream ? (
        <ParticipantVideo
          className={`tile__video ${isScreen ? 'tile__video--contain' : ''}`}
          stream={stream}
          mirror={p.isLocal && !isScreen}
          data-testid="tile-video"
        />
      ) : (
        <div className="tile__placeholder">
          <Avatar name={p.name} size="lg" />
        </div>
      )}
      <div className="tile__label">
        {isScreen && <ScreenIcon size={14} />}
        {!isScreen && !micOn && <MicOffIcon size={14} className="tile__muted" data-testid="muted-mic" aria-label="Microphone off" />}
        <span className="tile__name">{label}</span>
      </div>
      {!isScreen && !cameraOn && (
        <div className="tile__badge" data-testid="camera-off" title="Camera off">
          <CameraOffIcon size={14} />
        </div>
      )}
      {!isScreen && p.connectionQuality === 'poor' && (
        <div className="tile__quality" title="Poor connection">
          Poor connection
        </div>
      )}
    </div>
  );
}
