import { MAX_SIGNAL_MESSAGE_BYTES } from '@confab/protocol';

/** Per-connection limits of the signalling gateway. */
export const GATEWAY_LIMITS = {
  maxPayloadBytes: MAX_SIGNAL_MESSAGE_BYTES,
  /** Burst and sustained rate of requests per connection (trickle ICE to 3 peers bursts ~60). */
  rateBurst: 200,
  ratePerSecond: 50,
  /** A client that cannot keep up with what it is sent is disconnected, not buffered without bound. */
  maxBufferedBytes: 8 * 1024 * 1024,
  /** WebSocket ping interval; a connection that misses three pongs is dead. */
  heartbeatMs: 5_000,
  deadAfterMs: 15_000,
} as const;

/** Close codes the client understands. */
export const CLOSE_CODES = {
  tooBig: 1009,
  policy: 1008,
  unauthenticated: 4001,
  replaced: 4002,
  goingAway: 1001,
} as const;
