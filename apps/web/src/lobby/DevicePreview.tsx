import { ParticipantVideo, useSourceStatus } from '@confab/react';
import { useEffect, useState } from 'react';
import { Avatar } from '../ui/Avatar';
import { ErrorNotice } from '../ui/ErrorNotice';
import { CameraIcon, CameraOffIcon, MicIcon, MicOffIcon } from '../ui/icons';
import { DeviceSelect } from './DeviceSelect';
import { useAudioLevel } from './use-audio-level';
import { useDeviceList } from './use-device-list';
import type { DevicePreview as Preview } from './use-preview-call';

/** The lobby's self view: camera preview, mic level, on/off toggles and device pickers. */
export function DevicePreview({ preview, name, onDevicesChange }: { preview: Preview | null; name: string; onDevicesChange?: () => void }) {
  if (!preview) {
    return (
      <div className="preview">
        <div className="preview__stage">
          <div className="preview__off">Starting devices…</div>
        </div>
      </div>
    );
  }
  return <LiveDevicePreview preview={preview} name={name} onDevicesChange={onDevicesChange} />;
}

function LiveDevicePreview({ preview, name, onDevicesChange }: { preview: Preview; name: string; onDevicesChange?: (() => void) | undefined }) {
  const { call, errors, run } = preview;
  const cameraStatus = useSourceStatus(call.camera);
  const micStatus = useSourceStatus(call.microphone);
  const cameras = useDeviceList(call.camera, cameraStatus);
  const mics = useDeviceList(call.microphone, micStatus);
  const [cameraId, setCameraId] = useState(call.camera.selectedDevice);
  const [micId, setMicId] = useState(call.microphone.selectedDevice);
  useEffect(() => setCameraId(call.camera.selectedDevice), [call, cameraStatus]);
  useEffect(() => setMicId(call.microphone.selectedDevice), [call, micStatus]);
  const level = useAudioLevel(call.microphone.stream, micStatus === 'enabled', micId);

  const cameraOn = cameraStatus === 'enabled';
  const micOn = micStatus === 'enabled';

  const selectCamera = (id: string) =>
    run('camera', async () => {
      await call.camera.selectDevice(id);
      setCameraId(call.camera.selectedDevice);
      onDevicesChange?.();
    });
  const selectMic = (id: string) =>
    run('microphone', async () => {
      await call.microphone.selectDevice(id);
      setMicId(call.microphone.selectedDevice);
      onDevicesChange?.();
    });

  return (
    <div className="preview">
      <div className="preview__stage">
        {cameraOn ? (
          <ParticipantVideo key={cameraId} className="preview__video" stream={call.camera.stream} mirror data-testid="lobby-preview-video" />
        ) : (
          <div className="preview__off">
            <Avatar name={name || '?'} size="lg" />
            <span>Camera is off</span>
          </div>
        )}
        <div className="preview__name">{name || 'You'}</div>
        <div className="preview__toolbar">
          <button
            type="button"
            className={`round-button ${micOn ? '' : 'round-button--off'}`}
            onClick={() => run('microphone', () => call.microphone.toggle())}
            aria-pressed={!micOn}
            aria-label={micOn ? 'Turn microphone off' : 'Turn microphone on'}
            title={micOn ? 'Turn microphone off' : 'Turn microphone on'}
            data-testid="lobby-toggle-mic"
            data-state={micOn ? 'on' : 'off'}
          >
            {micOn ? <MicIcon /> : <MicOffIcon />}
          </button>
          <button
            type="button"
            className={`round-button ${cameraOn ? '' : 'round-button--off'}`}
            onClick={() => run('camera', () => call.camera.toggle())}
            aria-pressed={!cameraOn}
            aria-label={cameraOn ? 'Turn camera off' : 'Turn camera on'}
            title={cameraOn ? 'Turn camera off' : 'Turn camera on'}
            data-testid="lobby-toggle-camera"
            data-state={cameraOn ? 'on' : 'off'}
          >
            {cameraOn ? <CameraIcon /> : <CameraOffIcon />}
          </button>
        </div>
        {micOn && (
          <div className="mic-level" aria-hidden="true">
            {[0.1, 0.25, 0.4, 0.55, 0.7].map((threshold) => (
              <span key={threshold} className={level > threshold ? 'mic-level__bar mic-level__bar--lit' : 'mic-level__bar'} />
            ))}
          </div>
        )}
      </div>
      <div className="preview__devices">
        <DeviceSelect label="Camera" icon={<CameraIcon size={16} />} devices={cameras} value={cameraId} onChange={selectCamera} testId="lobby-camera-select" />
        <DeviceSelect label="Microphone" icon={<MicIcon size={16} />} devices={mics} value={micId} onChange={selectMic} testId="lobby-mic-select" />
      </div>
      {errors.camera && <ErrorNotice error={errors.camera} testId="lobby-camera-error" />}
      {errors.microphone && <ErrorNotice error={errors.microphone} testId="lobby-mic-error" />}
    </div>
  );
}
