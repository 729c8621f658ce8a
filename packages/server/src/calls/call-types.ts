import type { MediaPath } from '@confab/protocol';

/** What a role may do in a call. Enforced by the server on every request. */
export const CAPABILITIES = [
  'create-call',
  'join-call',
  'publish-audio',
  'publish-video',
  'publish-screen',
  'send-message',
  'ring',
  'end-call',
  'kick',
  'mute-others',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface CallType {
  name: string;
  mediaPath: MediaPath;
  maxParticipants: number;
  audioOnly: boolean;
  /** role -> capabilities. The call's creator gets the `host` capabilities in it. */
  grants: Record<string, Capability[]>;
}

const MEMBER: Capability[] = ['create-call', 'join-call', 'publish-audio', 'publish-video', 'publish-screen', 'send-message', 'ring'];
const MODERATOR: Capability[] = [...MEMBER, 'end-call', 'kick', 'mute-others'];

export const DEFAULT_GRANTS: Record<string, Capability[]> = {
  admin: MODERATOR,
  host: MODERATOR,
  user: MEMBER,
  // Guests join and watch (CONTRACT.md §4): no publishing, no creating calls.
  guest: ['join-call', 'send-message'],
};

export const BUILT_IN_CALL_TYPES: CallType[] = [
  { name: 'p2p', mediaPath: 'p2p', maxParticipants: 4, audioOnly: false, grants: DEFAULT_GRANTS },
  { name: 'default', mediaPath: 'sfu', maxParticipants: 100, audioOnly: false, grants: DEFAULT_GRANTS },
  { name: 'audio_room', mediaPath: 'sfu', maxParticipants: 500, audioOnly: true, grants: DEFAULT_GRANTS },
];

export const DEFAULT_RING_TIMEOUT_MS = 30_000;
