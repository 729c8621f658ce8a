import { CAPABILITIES, type Capability, type MediaPath } from '@confab/protocol';

export { CAPABILITIES, type Capability };

export interface CallType {
  name: string;
  mediaPath: MediaPath;
  maxParticipants: number;
  audioOnly: boolean;
  /** role -> capabilities. The call's creator gets the `host` capabilities in it. */
  grants: Record<string, Capability[]>;
}

const MEMBER: Capability[] = [
  'create-call',
  'join-call',
  'publish-audio',
  'publish-video',
  'publish-screen',
  'subscribe',
  'send-message',
  'send-custom-event',
  'ring',
];
const MODERATOR: Capability[] = [...MEMBER, 'end-call', 'kick', 'block', 'mute-others', 'censor', 'update-call-settings', 'grant-permissions'];

/** CONTRACT.md §4: creator, admin and host moderate; user takes part; guest joins and watches. */
export const DEFAULT_GRANTS: Record<string, Capability[]> = {
  admin: MODERATOR,
  host: MODERATOR,
  user: MEMBER,
  guest: ['join-call', 'subscribe', 'send-message', 'send-custom-event'],
};

export const BUILT_IN_CALL_TYPES: CallType[] = [
  { name: 'p2p', mediaPath: 'p2p', maxParticipants: 4, audioOnly: false, grants: DEFAULT_GRANTS },
  { name: 'default', mediaPath: 'sfu', maxParticipants: 100, audioOnly: false, grants: DEFAULT_GRANTS },
  { name: 'audio_room', mediaPath: 'sfu', maxParticipants: 500, audioOnly: true, grants: DEFAULT_GRANTS },
];

export const DEFAULT_RING_TIMEOUT_MS = 30_000;
