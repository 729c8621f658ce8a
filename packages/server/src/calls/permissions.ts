import type { Member, TrackKind } from '@confab/protocol';
import { ServiceError } from '../errors.js';
import type { CallRecord } from '../store/call-store.js';
import type { Capability, CallType } from './call-types.js';
import type { Caller } from './types.js';

/** The caller's roles in a call: the token's role, the member role, and `host` for the creator. */
export function rolesInCall(caller: Pick<Caller, 'userId' | 'role'>, record: Pick<CallRecord, 'createdBy'> | null, members: Member[]): string[] {
  const roles = new Set<string>([caller.role]);
  const member = members.find((m) => m.userId === caller.userId);
  if (member?.role) roles.add(member.role);
  if (record && record.createdBy === caller.userId) roles.add('host');
  return [...roles];
}

export function capabilitiesOf(type: CallType, roles: string[]): Set<Capability> {
  const caps = new Set<Capability>();
  for (const role of roles) for (const c of type.grants[role] ?? []) caps.add(c);
  return caps;
}

const DESCRIPTIONS: Record<Capability, string> = {
  'create-call': 'create calls',
  'join-call': 'join this call',
  'publish-audio': 'publish audio',
  'publish-video': 'publish video',
  'publish-screen': 'share the screen',
  subscribe: 'receive media',
  'send-message': 'send messages',
  'send-custom-event': 'send custom events',
  ring: 'ring members',
  'end-call': 'end the call',
  kick: 'kick participants',
  block: 'block participants',
  'mute-others': 'mute others',
  censor: 'censor tracks',
  'update-call-settings': 'change call settings',
  'grant-permissions': 'grant permissions',
};

export const PUBLISH_CAPABILITY = { audio: 'publish-audio', video: 'publish-video', screen: 'publish-screen' } as const;

/** Role grants, plus what a host granted this user, minus the publishing of censored kinds. */
export function effectiveCapabilities(type: CallType, roles: string[], state: { granted: Capability[]; censored: TrackKind[] }): Set<Capability> {
  const caps = capabilitiesOf(type, roles);
  for (const c of state.granted) caps.add(c);
  for (const kind of state.censored) caps.delete(PUBLISH_CAPABILITY[kind]);
  return caps;
}

export function requireIn(caps: Set<Capability>, capability: Capability, who: string): void {
  if (!caps.has(capability)) throw new ServiceError('FORBIDDEN', `${who} may not ${DESCRIPTIONS[capability]} in this call`);
}

export function requireCapability(type: CallType, roles: string[], capability: Capability): void {
  requireIn(capabilitiesOf(type, roles), capability, `your role (${roles.join(', ')})`);
}
