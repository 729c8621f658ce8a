import type { Member } from '@confab/protocol';
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
  'send-message': 'send messages',
  ring: 'ring members',
  'end-call': 'end the call',
  kick: 'kick participants',
  'mute-others': 'mute others',
};

export function requireCapability(type: CallType, roles: string[], capability: Capability): void {
  if (!capabilitiesOf(type, roles).has(capability)) {
    throw new ServiceError('FORBIDDEN', `your role (${roles.join(', ')}) may not ${DESCRIPTIONS[capability]} in ${type.name} calls`);
  }
}

export const PUBLISH_CAPABILITY = { audio: 'publish-audio', video: 'publish-video', screen: 'publish-screen' } as const;
