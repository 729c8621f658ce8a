/**
 * One participant session: its publisher connections (one per published track) and its
 * subscriber connection (created at the first subscription).
 */
import type { SfuContext } from './context.js';
import { TypedEmitter } from './emitter.js';
import { invalid, notFound, SfuError } from './errors.js';
import { PublisherTransport } from './publisher-transport.js';
import { SubscriberTransport } from './subscriber-transport.js';
import type { DownTrack } from './downtrack.js';
import type {
  Endpoint,
  EndpointCloseReason,
  EndpointEvents,
  PublishOptions,
  SubscriberTrackDescription,
  TransportTarget,
} from './types.js';

/** What an endpoint needs from its router. */
export interface EndpointOwner {
  publishTrack(endpoint: EndpointImpl, options: PublishOptions): { answer: string };
  unpublishTrack(endpoint: EndpointImpl, trackId: string): void;
  /** A publisher connection failed or was closed by the browser. */
  publisherLost(endpoint: EndpointImpl, trackId: string): void;
  subscriptionRejected(dt: DownTrack): void;
  endpointClosing(endpoint: EndpointImpl): void;
}

const MAX_CANDIDATE_LENGTH = 1024;

export class EndpointImpl implements Endpoint {
  readonly publishers = new Map<string, PublisherTransport>();
  private subscriberTransport: SubscriberTransport | undefined;
  private readonly events: TypedEmitter<EndpointEvents>;
  private closedFlag = false;

  constructor(
    private readonly ctx: SfuContext,
    private readonly owner: EndpointOwner,
    readonly id: string,
  ) {
    this.events = new TypedEmitter(ctx.logger, `endpoint ${id}`);
    ctx.counters.endpoints++;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  private assertOpen(): void {
    if (this.closedFlag) throw new SfuError('UNAVAILABLE', `endpoint ${this.id} is closed`);
  }

  publish(options: PublishOptions): { answer: string } {
    this.assertOpen();
    if (typeof options !== 'object' || options === null) throw invalid('publish options must be an object');
    return this.owner.publishTrack(this, options);
  }

  unpublish(trackId: string): void {
    this.assertOpen();
    if (!this.publishers.has(trackId)) throw notFound(`endpoint ${this.id} does not publish track ${String(trackId)}`);
    this.owner.unpublishTrack(this, trackId);
  }

  /** Creates the publisher connection of a track (the router registers the track). */
  createPublisher(options: PublishOptions): PublisherTransport {
    const trackId = options.trackId;
    // Losing a publisher connection only unpublishes its track: the browser may be closing it on
    // purpose (stop screen share) just before it says so over signalling.
    let transport: PublisherTransport | undefined = undefined;
    const lost = () => {
      if (this.closedFlag || this.publishers.get(trackId) !== transport) return;
      this.events.emit('iceStateChange', { transport: 'publisher', trackId, state: 'failed' });
      this.owner.publisherLost(this, trackId);
    };
    transport = new PublisherTransport(
      this.ctx,
      this.id,
      options,
      (state) => {
        this.events.emit('iceStateChange', { transport: 'publisher', trackId, state });
        if (state === 'failed') lost();
      },
      () => setImmediate(lost),
    );
    this.publishers.set(trackId, transport);
    return transport;
  }

  removePublisher(trackId: string): void {
    const t = this.publishers.get(trackId);
    if (!t) return;
    this.publishers.delete(trackId);
    t.close();
  }

  /** The subscriber connection, created on first use. */
  subscriber(): SubscriberTransport {
    this.assertOpen();
    if (!this.subscriberTransport) {
      this.subscriberTransport = new SubscriberTransport(this.ctx, this.id, {
        offer: (offer) => this.events.emit('subscriberOffer', { sdp: offer.sdp, tracks: [...offer.tracks] }),
        candidate: (candidate, sdpMid) => this.events.emit('subscriberCandidate', { candidate, sdpMid }),
        iceState: (state) => {
          this.events.emit('iceStateChange', { transport: 'subscriber', state });
          if (state === 'failed') this.close('ice-failed');
        },
        lost: () =>
          setImmediate(() => {
            if (this.closedFlag) return;
            this.events.emit('iceStateChange', { transport: 'subscriber', state: 'failed' });
            this.close('ice-failed');
          }),
        rejected: (dt) => this.owner.subscriptionRejected(dt),
      });
    }
    return this.subscriberTransport;
  }

  get subscriberIfAny(): SubscriberTransport | undefined {
    return this.subscriberTransport;
  }

  addIceCandidate(target: TransportTarget, candidate: string, sdpMid?: string): void {
    this.assertOpen();
    if (typeof candidate !== 'string' || candidate.length > MAX_CANDIDATE_LENGTH) {
      throw invalid('candidate must be a string of at most 1024 characters');
    }
    const line = candidate.trim().replace(/^a=/, '');
    if (line.length === 0) return; // end of candidates
    if (!line.startsWith('candidate:')) throw invalid('candidate must start with "candidate:"');
    if (sdpMid !== undefined && typeof sdpMid !== 'string') throw invalid('sdpMid must be a string');
    let add: (c: string, mid: string | undefined) => void;
    if (target === 'subscriber') {
      const t = this.subscriberTransport;
      if (!t) throw notFound(`endpoint ${this.id} has no subscriber connection yet`);
      add = (c, m) => t.addRemoteCandidate(c, m);
    } else if (typeof target === 'object' && target !== null && typeof target.publisher === 'string') {
      const t = this.publishers.get(target.publisher);
      if (!t) throw notFound(`endpoint ${this.id} does not publish track ${target.publisher}`);
      add = (c, m) => t.addRemoteCandidate(c, m);
    } else {
      throw invalid("target must be 'subscriber' or { publisher: trackId }");
    }
    try {
      add(line, sdpMid);
    } catch (err) {
      // e.g. an mDNS (.local) candidate libdatachannel cannot resolve: the peer-reflexive
      // candidate learnt from the browser's checks will do.
      this.ctx.logger.debug({ err, endpointId: this.id }, 'sfu ignored remote candidate');
    }
  }

  setSubscriberAnswer(sdp: string): void {
    this.assertOpen();
    const t = this.subscriberTransport;
    if (!t) throw new SfuError('CONFLICT', 'no subscriber offer is awaiting an answer');
    t.setAnswer(sdp);
  }

  pendingSubscriberOffer(): { sdp: string; tracks: SubscriberTrackDescription[] } | undefined {
    const p = this.subscriberTransport?.pendingOffer;
    return p ? { sdp: p.sdp, tracks: [...p.tracks] } : undefined;
  }

  on<E extends keyof EndpointEvents>(event: E, listener: (event: EndpointEvents[E]) => void): () => void {
    return this.events.on(event, listener);
  }

  close(reason: EndpointCloseReason = 'closed'): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.owner.endpointClosing(this);
    for (const trackId of [...this.publishers.keys()]) this.removePublisher(trackId);
    this.subscriberTransport?.close();
    this.subscriberTransport = undefined;
    this.ctx.counters.endpoints--;
    const log = reason === 'ice-failed' ? this.ctx.logger.info : this.ctx.logger.debug;
    log.call(this.ctx.logger, { endpointId: this.id, reason }, 'sfu endpoint closed');
    this.events.emit('closed', { reason });
    this.events.removeAll();
  }
}
