/** The call types the lobby offers (CONTRACT.md §6). */
export interface CallTypeOption {
  type: string;
  label: string;
  description: string;
}

export const CALL_TYPE_OPTIONS: readonly CallTypeOption[] = [
  { type: 'p2p', label: 'Small group', description: '1:1 or up to 4 people, browser to browser' },
  { type: 'default', label: 'Large call (SFU)', description: 'Up to 100 people, through the server' },
];

export const DEFAULT_CALL_TYPE = 'p2p';

export function callTypeLabel(type: string): string {
  return CALL_TYPE_OPTIONS.find((o) => o.type === type)?.label ?? type;
}
