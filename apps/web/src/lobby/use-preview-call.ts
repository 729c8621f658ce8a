import { type Call, ConfabClient, ConfabError } from '@confab/client';
import { useCallback, useEffect, useState } from 'react';
import { describeError, type ErrorView } from '../app/errors';

export type PreviewDevice = 'camera' | 'microphone';

export interface PreviewOptions {
  audio: boolean;
  video: boolean;
  audioDeviceId?: string | undefined;
  videoDeviceId?: string | undefined;
}

export interface DevicePreview {
  /** A call that is never joined: the lobby uses its camera and microphone managers. */
  call: Call;
  errors: Partial<Record<PreviewDevice, ErrorView>>;
  /** Runs a device action (enable, toggle, selectDevice), recording its error for that device. */
  run(device: PreviewDevice, action: () => Promise<void>): Promise<void>;
}

const neverConnects = () => Promise.reject(new ConfabError('INVALID_ARGUMENT', 'the device preview never connects'));

/**
 * The lobby's camera and microphone preview. The SDK's device managers belong to a Call, and the
 * lobby does not know the final call yet (the id can still change), so the preview uses an unjoined
 * Call of its own, released on unmount or `release()`. The join carries over the chosen devices.
 * `generation` re-creates the preview after it was released.
 */
export function usePreviewCall(initial: PreviewOptions, generation: number): DevicePreview | null {
  const [call, setCall] = useState<Call | null>(null);
  const [errors, setErrors] = useState<DevicePreview['errors']>({});

  const run = useCallback(async (device: PreviewDevice, action: () => Promise<void>) => {
    try {
      await action();
      setErrors((e) => (e[device] ? { ...e, [device]: undefined } : e));
    } catch (error) {
      setErrors((e) => ({ ...e, [device]: describeError(error) }));
    }
  }, []);

  useEffect(() => {
    const client = new ConfabClient({ url: location.origin, user: { id: 'device-preview' }, tokenProvider: neverConnects });
    const preview = client.call('p2p', 'device-preview');
    setCall(preview);
    setErrors({});
    const start = async (device: PreviewDevice, on: boolean, deviceId: string | undefined) => {
      const manager = device === 'camera' ? preview.camera : preview.microphone;
      await run(device, async () => {
        if (deviceId) await manager.selectDevice(deviceId);
        if (on) await manager.enable();
      });
      // A remembered device that is gone: fall back to the default one.
      if (on && deviceId && !manager.enabled) await run(device, () => manager.selectDevice(undefined).then(() => manager.enable()));
    };
    void start('camera', initial.video, initial.videoDeviceId);
    void start('microphone', initial.audio, initial.audioDeviceId);
    return () => {
      setCall((c) => (c === preview ? null : c));
      void preview.leave();
    };
    // `initial` is read when a preview starts, never followed afterwards.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [generation, run]);

  return call ? { call, errors, run } : null;
}
