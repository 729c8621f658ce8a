/** Messages between the benchmark driver (load) and the forwarding process (SFU or bare relay). */
import type { SubscriberTrackDescription } from '../../packages/server/src/sfu/index.js';

export type ToServer =
  | { t: 'publish'; req: number; endpointId: string; trackId: string; offer: string }
  | { t: 'publisherCandidate'; endpointId: string; trackId: string; candidate: string; mid: string }
  | { t: 'subscribe'; endpointId: string; trackIds: string[] }
  | { t: 'answer'; endpointId: string; sdp: string }
  | { t: 'subscriberCandidate'; endpointId: string; candidate: string; mid: string }
  | { t: 'measure'; req: number; phase: 'start' | 'stop' }
  | { t: 'stop' };

export type FromServer =
  | { t: 'ready'; udpPort: number }
  | { t: 'reply'; req: number; answer?: string; error?: string; measurement?: Measurement }
  | { t: 'offer'; endpointId: string; sdp: string; tracks: SubscriberTrackDescription[] }
  | { t: 'candidate'; endpointId: string; candidate: string; mid: string };

export interface Measurement {
  /** CPU time (user + system, all threads) of the forwarding process over the window, µs. */
  cpuUs: number;
  wallMs: number;
  forwardedPackets: number;
  forwardedBytes: number;
}

/** What both forwarders implement. */
export interface Forwarder {
  readonly udpPort: number;
  publish(endpointId: string, trackId: string, offer: string): string;
  addPublisherCandidate(endpointId: string, trackId: string, candidate: string, mid: string): void;
  subscribe(endpointId: string, trackIds: string[]): void;
  setAnswer(endpointId: string, sdp: string): void;
  addSubscriberCandidate(endpointId: string, candidate: string, mid: string): void;
  forwarded(): { packets: number; bytes: number };
  close(): void;
}
