export { useObservableValue } from './use-observable-value.js';
export { CallProvider, useCall } from './call-context.js';
export {
  useCallingState,
  useCallInfo,
  useParticipants,
  useLocalParticipant,
  useRemoteParticipants,
  useSourceStatus,
  useCallEvent,
  type ObservableSource,
} from './call-hooks.js';
export {
  ParticipantVideo,
  ParticipantAudio,
  type ParticipantVideoProps,
  type ParticipantAudioProps,
} from './media-elements.js';
