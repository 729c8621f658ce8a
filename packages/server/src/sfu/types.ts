/**
 * Public contract of the SFU media plane. The SFU knows nothing of calls or users: the layer
 * above creates routers (one per call) and endpoints (one per participant session), carries SDP
 * strings between them and the browser, and says who subscribes to what.
 */

export type MediaKind = 'audio' | 'video';

/** pino-compatible logger subset. */
export interface SfuLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface SfuOptions {
  /** The one UDP port every peer connection shares (ICE UDP mux). 0 picks a free port. */
  udpPort: number;
  /** Local address the UDP socket binds to. Default '0.0.0.0'. */
  bindAddress?: string;
  /** Address announced in every ICE candidate the SFU gives out (public IP, or 127.0.0.1 in tests). */
  announcedAddress: string;
  /**
   * More addresses to announce after announcedAddress, with lower priority: a browser uses the
   * first that works (Firefox ignores loopback candidates, for one). Default none.
   */
  extraAddresses?: string[];
  /** Port announced in candidates when a NAT or proxy maps another port to udpPort. Default udpPort. */
  announcedPort?: number;
  logger?: SfuLogger;
  /** Bitrate (bit/s) the SFU asks video publishers to use, sent as REMB. Default 3,000,000. */
  publisherVideoBitrate?: number;
  /** RTP packets kept per simulcast layer to answer NACKs (rounded up to a power of two). Default 512 (2-3 s of a 720p layer). */
  packetCacheSize?: number;
}

/** Counters of the whole SFU. Resource counts return to zero once everything is closed. */
export interface SfuStats {
  routers: number;
  endpoints: number;
  peerConnections: number;
  /** libdatachannel Track objects held. */
  tracks: number;
  publishedTracks: number;
  subscriptions: number;
  /** RTP packets held in NACK caches. */
  cachedPackets: number;
  /** Timers and scheduled callbacks alive. */
  timers: number;
  forwardedPackets: number;
  forwardedBytes: number;
  /** Packets received and not forwarded: malformed, unknown SSRC, paused, wrong payload type. */
  droppedPackets: number;
  malformedPackets: number;
  unknownSsrcPackets: number;
  nacksReceived: number;
  retransmittedPackets: number;
  nacksSent: number;
  plisReceived: number;
  firsReceived: number;
  plisSent: number;
  rembsReceived: number;
  rtcpPacketsReceived: number;
  renegotiations: number;
}

export interface Sfu {
  readonly udpPort: number;
  readonly announcedAddress: string;
  /** A forwarding domain (one call). Throws CONFLICT if `id` exists. */
  createRouter(id: string): Router;
  getRouter(id: string): Router | undefined;
  stats(): SfuStats;
  /** Closes every router, endpoint and peer connection, and releases the UDP port. */
  close(): void;
}

export interface SubscriptionOptions {
  /** Size the subscriber renders the video at; the SFU sends the smallest layer at least this large. */
  maxWidth?: number;
  maxHeight?: number;
  /** Stop forwarding this subscription without renegotiating (e.g. tile off-screen). */
  paused?: boolean;
}

export interface PublishedTrackInfo {
  trackId: string;
  endpointId: string;
  kind: MediaKind;
  streamKey: string;
  /** Simulcast rids in quality order (lowest first); [''] for a single-layer track. */
  rids: string[];
  paused: boolean;
}

export interface SubscriptionInfo {
  endpointId: string;
  trackId: string;
  streamKey: string;
  kind: MediaKind;
  /** m-line of the subscriber peer connection carrying it. */
  mid: string;
  options: SubscriptionOptions;
  /** rid currently forwarded (video), or undefined before the first key frame. */
  currentRid: string | undefined;
}

export type SubscriptionEndReason = 'unsubscribed' | 'unpublished' | 'closed' | 'rejected';

export interface RouterEvents {
  trackPublished: PublishedTrackInfo;
  trackUnpublished: { trackId: string; endpointId: string };
  subscriptionStarted: SubscriptionInfo;
  subscriptionReconfigured: SubscriptionInfo;
  subscriptionEnded: { endpointId: string; trackId: string; mid: string; reason: SubscriptionEndReason };
  /** A subscription switched simulcast layer (after the key frame of the new layer). */
  layerSwitched: { endpointId: string; trackId: string; rid: string; width: number; height: number };
  /** Smoothed level (0..1, linear) and speaking flag of a published audio track; sent on change, at most every 250 ms. */
  audioLevel: { trackId: string; endpointId: string; streamKey: string; level: number; speaking: boolean };
  /** Dynacast: the layers of a published video track somebody receives; the publisher may pause the others. */
  layersNeeded: { trackId: string; endpointId: string; rids: string[] };
}

export interface Router {
  readonly id: string;
  readonly closed: boolean;
  /** One endpoint per participant session. Throws CONFLICT if `id` exists in this router. */
  createEndpoint(id: string): Endpoint;
  getEndpoint(id: string): Endpoint | undefined;
  getTrack(trackId: string): PublishedTrackInfo | undefined;
  listTracks(): PublishedTrackInfo[];
  /** Throws NOT_FOUND (endpoint or track), INVALID_ARGUMENT (own track, bad options), CONFLICT (already subscribed). */
  subscribe(endpointId: string, trackId: string, options?: SubscriptionOptions): SubscriptionInfo;
  updateSubscription(endpointId: string, trackId: string, options: SubscriptionOptions): SubscriptionInfo;
  unsubscribe(endpointId: string, trackId: string): void;
  listSubscriptions(endpointId: string): SubscriptionInfo[];
  /** Mute: stop forwarding a published track's packets (true) or resume (false). */
  setTrackPaused(trackId: string, paused: boolean): void;
  on<E extends keyof RouterEvents>(event: E, listener: (event: RouterEvents[E]) => void): () => void;
  /** Closes every endpoint of the router. */
  close(): void;
}

export interface PublishOptions {
  /** Identifier chosen by the caller, unique in the router (e.g. `${sessionId}:${mid}`). */
  trackId: string;
  kind: MediaKind;
  /** Label passed through untouched to subscribers (e.g. 'camera', 'screen'). Default ''. */
  streamKey?: string;
  /** The browser's SDP offer for a peer connection carrying exactly this one track. */
  offer: string;
}

/** Where a remote ICE candidate belongs: the subscriber connection, or the publisher connection of a track. */
export type TransportTarget = 'subscriber' | { publisher: string };

export interface SubscriberTrackDescription {
  mid: string;
  trackId: string;
  streamKey: string;
  kind: MediaKind;
}

export type IceState = 'new' | 'checking' | 'connected' | 'completed' | 'disconnected' | 'failed' | 'closed';

/** 'ice-failed': the subscriber connection failed (ICE or DTLS) or the browser closed it. */
export type EndpointCloseReason = 'closed' | 'ice-failed' | 'router-closed';

export interface EndpointEvents {
  /** Send this offer to the browser's subscriber peer connection and return its answer with setSubscriberAnswer. */
  subscriberOffer: { sdp: string; tracks: SubscriberTrackDescription[] };
  /**
   * The SFU's ICE candidate for the subscriber connection, emitted once, right after the first
   * answer has been applied (offers carry no candidate); pass it to the browser's addIceCandidate.
   */
  subscriberCandidate: { candidate: string; sdpMid: string };
  /**
   * ICE states of the endpoint's connections. `failed` is also reported when DTLS fails or the
   * browser closes a connection. A lost publisher connection unpublishes its track; a lost
   * subscriber connection closes the endpoint (reason 'ice-failed').
   */
  iceStateChange: { transport: 'subscriber' | 'publisher'; trackId?: string; state: IceState };
  closed: { reason: EndpointCloseReason };
}

export interface Endpoint {
  readonly id: string;
  readonly closed: boolean;
  /**
   * Publishes one track: takes the browser's offer (one m-line; video may carry simulcast rids)
   * and returns the SDP answer, which already contains the SFU's only ICE candidate.
   * Throws INVALID_ARGUMENT (bad SDP, unsupported codec), CONFLICT (trackId taken).
   */
  publish(options: PublishOptions): { answer: string };
  unpublish(trackId: string): void;
  /** A trickled candidate from the browser ("candidate:…" line; empty = end of candidates). */
  addIceCandidate(target: TransportTarget, candidate: string, sdpMid?: string): void;
  /** The browser's answer to the last `subscriberOffer`. Throws CONFLICT if no offer is pending. */
  setSubscriberAnswer(sdp: string): void;
  /** The offer awaiting an answer, if any (e.g. to resend it after a signalling reconnect). */
  pendingSubscriberOffer(): { sdp: string; tracks: SubscriberTrackDescription[] } | undefined;
  on<E extends keyof EndpointEvents>(event: E, listener: (event: EndpointEvents[E]) => void): () => void;
  close(): void;
}
