import type { ReactNode } from 'react';

interface DeviceSelectProps {
  label: string;
  icon: ReactNode;
  devices: MediaDeviceInfo[];
  value: string | undefined;
  onChange(deviceId: string): void;
  testId: string;
}

/** A labelled picker of one kind of device. */
export function DeviceSelect({ label, icon, devices, value, onChange, testId }: DeviceSelectProps) {
  const known = devices.some((d) => d.deviceId === value);
  return (
    <label className="device-select">
      <span className="device-select__icon">{icon}</span>
      <span className="visually-hidden">{label}</span>
      <select
        value={known ? value : ''}
        onChange={(e) => onChange(e.target.value)}
        disabled={devices.length === 0}
        data-testid={testId}
        aria-label={label}
      >
        {!known && <option value="">{devices.length === 0 ? `No ${label.toLowerCase()} found` : `Default ${label.toLowerCase()}`}</option>}
        {devices.map((d, i) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label || `${label} ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}
