/** What every part of the SFU shares: resolved options, logger, counters. */
import type { SfuLogger, SfuStats } from './types.js';

export interface ResolvedSfuOptions {
  udpPort: number;
  bindAddress: string;
  announcedAddress: string;
  /** Further addresses announced after the first, with lower priority (e.g. every local interface). */
  extraAddresses: string[];
  /** Port announced in candidates: udpPort, unless a NAT or proxy forwards another port to it. */
  announcedPort: number;
  publisherVideoBitrate: number;
  packetCacheSize: number;
}

export interface SfuContext {
  readonly options: ResolvedSfuOptions;
  readonly logger: SfuLogger;
  /** Mutable counters, incremented in place on the hot path. */
  readonly counters: SfuStats;
}

export function zeroStats(): SfuStats {
  return {
    routers: 0,
    endpoints: 0,
    peerConnections: 0,
    tracks: 0,
    publishedTracks: 0,
    subscriptions: 0,
    cachedPackets: 0,
    timers: 0,
    forwardedPackets: 0,
    forwardedBytes: 0,
    droppedPackets: 0,
    malformedPackets: 0,
    unknownSsrcPackets: 0,
    nacksReceived: 0,
    retransmittedPackets: 0,
    nacksSent: 0,
    plisReceived: 0,
    firsReceived: 0,
    plisSent: 0,
    rembsReceived: 0,
    rtcpPacketsReceived: 0,
    renegotiations: 0,
  };
}

export const silentLogger: SfuLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
