import type { CallInfo, EventName, EventPayload, Participant, RequestPayload, RequestType } from '../src/index.js';

const call: CallInfo = {
  type: 'p2p',
  id: 'standup',
  cid: 'p2p:standup',
  createdBy: 'alice',
  custom: { topic: 'standup' },
  settings: { ringTimeoutMs: 30000, maxParticipants: 4 },
  members: [{ userId: 'bob', role: 'user' }],
  mediaPath: 'p2p',
  createdAt: '2026-01-01T00:00:00.000Z',
  endedAt: null,
  participantCount: 1,
};

const participant: Participant = {
  sessionId: 's1',
  userId: 'alice',
  name: 'Alice',
  roles: ['user'],
  publishedTracks: ['audio', 'video'],
  censoredTracks: [],
  streams: [{ streamId: 'cam', kind: 'video', label: 'front camera' }],
  joinedAt: '2026-01-01T00:00:00.000Z',
};

/** One valid payload per request type; the round-trip test checks the list is complete. */
export const sampleRequests: { [T in RequestType]: RequestPayload<T> } = {
  auth: { token: 'a.b.c' },
  ping: {},
  'call.get': { type: 'p2p', id: 'standup' },
  'call.getOrCreate': { type: 'p2p', id: 'standup', members: [{ userId: 'bob' }], custom: { a: 1 }, ring: false, settings: { ringTimeoutMs: 5000 } },
  'call.join': { type: 'default', id: 'big-room', create: true, publish: { publishedTracks: ['audio'], streams: [] } },
  'call.resume': { cid: 'p2p:standup', sessionId: 's1', lastSeq: 4 },
  'call.leave': { cid: 'p2p:standup' },
  'call.ring': { cid: 'p2p:standup' },
  'call.accept': { cid: 'p2p:standup' },
  'call.reject': { cid: 'p2p:standup', reason: 'busy' },
  'call.end': { cid: 'p2p:standup' },
  'tracks.update': { cid: 'p2p:standup', publishedTracks: ['video'], streams: [{ streamId: 'x', kind: 'video' }] },
  signal: { cid: 'p2p:standup', to: 's2', description: { type: 'offer', sdp: 'v=0\r\n' } },
  'message.send': { cid: 'p2p:standup', id: 'abcdefgh-1234', data: { text: 'hi' }, to: ['bob'] },
  'message.ack': { cid: 'p2p:standup', seq: 7 },
  'message.query': { cid: 'p2p:standup', before: 10, limit: 20 },
  'event.send': { cid: 'p2p:standup', data: { reaction: 'thumbs-up' } },
  'moderation.kick': { cid: 'p2p:standup', userId: 'bob', block: true },
  'moderation.unblock': { cid: 'p2p:standup', userId: 'bob' },
  'moderation.mute': { cid: 'p2p:standup', userId: 'bob', kind: 'audio' },
  'moderation.censor': { cid: 'p2p:standup', userId: 'bob', kind: 'video', censored: true },
  'permission.request': { cid: 'p2p:standup', capabilities: ['publish-audio'] },
  'permission.update': { cid: 'p2p:standup', userId: 'bob', grant: ['publish-audio'] },
};

/** One valid payload per event; the round-trip test checks the list is complete. */
export const sampleEvents: { [E in EventName]: EventPayload<E> } = {
  'connection.ok': { userId: 'alice', connectionId: 'c1' },
  'participant.joined': { cid: 'p2p:standup', participant },
  'participant.left': { cid: 'p2p:standup', sessionId: 's1', userId: 'alice', reason: 'timeout' },
  'participant.updated': { cid: 'p2p:standup', participant },
  'track.published': { cid: 'p2p:standup', sessionId: 's1', kind: 'screen' },
  'track.unpublished': { cid: 'p2p:standup', sessionId: 's1', kind: 'audio' },
  signal: { cid: 'p2p:standup', from: 's1', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 } },
  message: {
    cid: 'p2p:standup',
    message: { id: 'm1', seq: 1, cid: 'p2p:standup', from: 'alice', sessionId: 's1', data: { text: 'hi' }, to: null, createdAt: '2026-01-01T00:00:00.000Z' },
  },
  'call.ring': { call, from: { userId: 'alice', name: 'Alice' }, custom: { topic: 'standup' } },
  'call.ring.stopped': { cid: 'p2p:standup', reason: 'accepted' },
  'call.accepted': { cid: 'p2p:standup', userId: 'bob' },
  'call.rejected': { cid: 'p2p:standup', userId: 'bob', reason: 'busy' },
  'call.missed': { cid: 'p2p:standup', userId: 'bob' },
  'call.ended': { cid: 'p2p:standup' },
  kicked: { cid: 'p2p:standup', by: 'alice', blocked: false },
  'track.muted': { cid: 'p2p:standup', kind: 'audio', by: 'alice' },
  'track.censored': { cid: 'p2p:standup', userId: 'bob', kind: 'video', by: 'alice' },
  'track.uncensored': { cid: 'p2p:standup', userId: 'bob', kind: 'video', by: 'alice' },
  'permission.requested': { cid: 'p2p:standup', userId: 'gus', name: 'Gus', capabilities: ['publish-audio'] },
  'permission.denied': { cid: 'p2p:standup', capabilities: ['publish-video'], by: 'alice' },
  'capabilities.updated': { cid: 'p2p:standup', capabilities: ['join-call', 'publish-audio'] },
  custom: { cid: 'p2p:standup', from: 'alice', sessionId: 's1', data: { reaction: 'clap' }, to: null },
  'call.recover': { cid: 'default:big', strategy: 'fast', reason: 'ice failed' },
};
