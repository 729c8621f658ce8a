/**
 * SFU media plane. See docs/sfu.md for the design and the signalling sequence.
 */
export { createSfu } from './sfu.js';
export { SfuError, type SfuErrorCode } from './errors.js';
export type {
  Endpoint,
  EndpointCloseReason,
  EndpointEvents,
  IceState,
  MediaKind,
  PublishedTrackInfo,
  PublishOptions,
  Router,
  RouterEvents,
  Sfu,
  SfuLogger,
  SfuOptions,
  SfuStats,
  SubscriberTrackDescription,
  SubscriptionEndReason,
  SubscriptionInfo,
  SubscriptionOptions,
  TransportTarget,
} from './types.js';
