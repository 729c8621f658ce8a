import type { Sfu } from '../sfu/index.js';
import type { ServerMetrics } from './metrics.js';

/** The SFU's resource gauges and traffic counters, read from its stats on each scrape. */
export function registerSfuMetrics(metrics: ServerMetrics, sfu: Sfu): void {
  const gauges = [
    ['confab_sfu_routers', 'SFU routers (calls with media through the SFU)', 'routers'],
    ['confab_sfu_endpoints', 'SFU endpoints (participant sessions)', 'endpoints'],
    ['confab_sfu_peer_connections', 'SFU peer connections', 'peerConnections'],
    ['confab_sfu_tracks', 'Tracks held by the SFU', 'tracks'],
    ['confab_sfu_published_tracks', 'Published tracks', 'publishedTracks'],
    ['confab_sfu_subscriptions', 'Subscriptions (forwarded tracks)', 'subscriptions'],
    ['confab_sfu_cached_packets', 'RTP packets held in NACK caches', 'cachedPackets'],
  ] as const;
  for (const [name, help, key] of gauges) metrics.addGauge(name, help, () => sfu.stats()[key]);
  const counters = [
    ['confab_sfu_forwarded_packets_total', 'RTP packets forwarded', 'forwardedPackets'],
    ['confab_sfu_forwarded_bytes_total', 'RTP bytes forwarded', 'forwardedBytes'],
    ['confab_sfu_dropped_packets_total', 'RTP packets received and not forwarded', 'droppedPackets'],
    ['confab_sfu_nacks_received_total', 'NACKs received from subscribers', 'nacksReceived'],
    ['confab_sfu_retransmitted_packets_total', 'Packets retransmitted from the cache', 'retransmittedPackets'],
    ['confab_sfu_plis_received_total', 'PLIs received from subscribers', 'plisReceived'],
    ['confab_sfu_plis_sent_total', 'PLIs sent to publishers', 'plisSent'],
    ['confab_sfu_firs_received_total', 'FIRs received from subscribers', 'firsReceived'],
    ['confab_sfu_nacks_sent_total', 'NACKs sent to publishers (cache misses)', 'nacksSent'],
    ['confab_sfu_rembs_received_total', 'REMB estimates received from subscribers', 'rembsReceived'],
    ['confab_sfu_rtcp_packets_received_total', 'RTCP packets received', 'rtcpPacketsReceived'],
    ['confab_sfu_renegotiations_total', 'Subscriber connection renegotiations (offers sent)', 'renegotiations'],
  ] as const;
  for (const [name, help, key] of counters) metrics.addCounter(name, help, () => sfu.stats()[key]);
}
