export { ConfabClient, type ConfabClientOptions, type ClientEvents } from './client.js';
export { Call } from './call/call.js';
export type { CallState } from './call/call-state.js';
export type {
  CallEvents,
  CallParticipant,
  ConnectionQuality,
  GetOrCreateOptions,
  JoinOptions,
  MediaOption,
  MessageEvent,
  SendMessageOptions,
} from './call/types.js';
export { ConfabError, ERROR_CODES, type ErrorCode } from './errors.js';
export { CameraManager, MicrophoneManager, ScreenShareManager } from './media/device-managers.js';
export type { SourceStatus } from './media/media-source-manager.js';
export {
  CallingState,
  CALLING_STATE_TRANSITIONS,
  CallingStateTransitions,
  canTransition,
  type CallInfo,
  type Participant as WireParticipant,
  type TrackKind,
  type StreamInfo,
} from '@confab/protocol';
