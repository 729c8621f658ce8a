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
export type { SubscriptionMode, SubscriptionOptions } from './call/call-subscriptions.js';
export { ConfabError, ERROR_CODES, type ErrorCode } from './errors.js';
export { CameraManager, MicrophoneManager, ScreenShareManager } from './media/device-managers.js';
export { MediaSourceManager, type SourceStatus } from './media/media-source-manager.js';
export {
  DefaultReconnectPolicy,
  type DefaultReconnectPolicyOptions,
  type ReconnectPolicy,
  type RecoveryContext,
  type RecoveryStrategy,
} from './reconnect-policy.js';
export {
  CallingState,
  CALLING_STATE_TRANSITIONS,
  CallingStateTransitions,
  canTransition,
  CALL_ID_PATTERN,
  CALL_TYPE_PATTERN,
  USER_ID_PATTERN,
  type CallInfo,
  type Participant as WireParticipant,
  type TrackKind,
  type StreamInfo,
} from '@confab/protocol';
