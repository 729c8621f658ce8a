import type { SourceStatus } from '@confab/client';
import { useEffect, useState } from 'react';

interface DeviceSource {
  listDevices(): Promise<MediaDeviceInfo[]>;
}

/**
 * The devices of one kind. Browsers give their labels only once a device was allowed, so the list
 * is read again when the source turns on, and when devices are plugged in or out.
 */
export function useDeviceList(source: DeviceSource, status: SourceStatus): MediaDeviceInfo[] {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    let alive = true;
    const refresh = () =>
      source.listDevices().then(
        (list) => alive && setDevices(list.filter((d) => d.deviceId !== '')),
        () => alive && setDevices([]),
      );
    void refresh();
    navigator.mediaDevices?.addEventListener('devicechange', refresh);
    return () => {
      alive = false;
      navigator.mediaDevices?.removeEventListener('devicechange', refresh);
    };
  }, [source, status]);
  return devices;
}
