/**
 * A forwarding domain (one call): its endpoints, the tracks they publish, who subscribes to what.
 */
import type { SfuContext } from './context.js';
import { DownTrack, type DownTrackHooks } from './downtrack.js';
import { TypedEmitter } from './emitter.js';
import { EndpointImpl, type EndpointOwner } from './endpoint.js';
import { conflict, invalid, notFound, SfuError } from './errors.js';
import { allocateSubscriber, updateLayersNeeded } from './router-allocation.js';
import type { SourceLayer } from './source-layer.js';
import type { PublishedTrack } from './published-track.js';
import type {
  Endpoint,
  PublishedTrackInfo,
  PublishOptions,
  Router,
  RouterEvents,
  SubscriptionEndReason,
  SubscriptionInfo,
  SubscriptionOptions,
} from './types.js';

const ID_PATTERN = /^[\x21-\x7e]{1,256}$/;

export function validateId(kind: string, id: unknown): string {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw invalid(`${kind} must be 1 to 256 printable ASCII characters without spaces`);
  }
  return id;
}

function validateOptions(options: unknown): SubscriptionOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) throw invalid('subscription options must be an object');
  const o = options as Record<string, unknown>;
  const out: SubscriptionOptions = {};
  for (const key of ['maxWidth', 'maxHeight'] as const) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 16384) {
      throw invalid(`${key} must be a number in 1..16384`);
    }
    out[key] = v;
  }
  if (o.paused !== undefined) {
    if (typeof o.paused !== 'boolean') throw invalid('paused must be a boolean');
    out.paused = o.paused;
  }
  return out;
}

export class RouterImpl implements Router, EndpointOwner, DownTrackHooks {
  private readonly endpoints = new Map<string, EndpointImpl>();
  private readonly tracks = new Map<string, PublishedTrack>();
  /** endpointId → trackId → subscription. */
  private readonly subscriptions = new Map<string, Map<string, DownTrack>>();
  private readonly events: TypedEmitter<RouterEvents>;
  private closedFlag = false;

  constructor(
    private readonly ctx: SfuContext,
    readonly id: string,
    private readonly onClose: (router: RouterImpl) => void,
  ) {
    this.events = new TypedEmitter(ctx.logger, `router ${id}`);
    ctx.counters.routers++;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  private assertOpen(): void {
    if (this.closedFlag) throw new SfuError('UNAVAILABLE', `router ${this.id} is closed`);
  }

  on<E extends keyof RouterEvents>(event: E, listener: (event: RouterEvents[E]) => void): () => void {
    return this.events.on(event, listener);
  }

  createEndpoint(id: string): Endpoint {
    this.assertOpen();
    validateId('endpoint id', id);
    if (this.endpoints.has(id)) throw conflict(`endpoint ${id} already exists in router ${this.id}`);
    const ep = new EndpointImpl(this.ctx, this, id);
    this.endpoints.set(id, ep);
    this.ctx.logger.debug({ routerId: this.id, endpointId: id }, 'sfu endpoint created');
    return ep;
  }

  getEndpoint(id: string): Endpoint | undefined {
    return this.endpoints.get(id);
  }

  getTrack(trackId: string): PublishedTrackInfo | undefined {
    return this.tracks.get(trackId)?.info();
  }

  listTracks(): PublishedTrackInfo[] {
    return [...this.tracks.values()].map((t) => t.info());
  }

  // EndpointOwner
  publishTrack(endpoint: EndpointImpl, options: PublishOptions): { answer: string } {
    this.assertOpen();
    validateId('trackId', options.trackId);
    if (options.kind !== 'audio' && options.kind !== 'video') throw invalid("kind must be 'audio' or 'video'");
    if (options.streamKey !== undefined && (typeof options.streamKey !== 'string' || options.streamKey.length > 256)) {
      throw invalid('streamKey must be a string of at most 256 characters');
    }
    if (this.tracks.has(options.trackId)) throw conflict(`track ${options.trackId} is already published`);
    const transport = endpoint.createPublisher(options);
    const track = transport.source;
    this.tracks.set(track.trackId, track);
    this.ctx.logger.debug({ routerId: this.id, endpointId: endpoint.id, trackId: track.trackId, kind: track.kind, rids: track.layers.map((l) => l.rid) }, 'sfu track published');
    this.events.emit('trackPublished', track.info());
    return { answer: transport.answer };
  }

  unpublishTrack(endpoint: EndpointImpl, trackId: string): void {
    const track = this.tracks.get(trackId);
    if (!track || track.endpointId !== endpoint.id) return;
    for (const dt of [...track.downtracks]) this.endSubscription(dt, 'unpublished');
    this.tracks.delete(trackId);
    endpoint.removePublisher(trackId);
    this.ctx.logger.debug({ routerId: this.id, endpointId: endpoint.id, trackId }, 'sfu track unpublished');
    this.events.emit('trackUnpublished', { trackId, endpointId: endpoint.id });
  }

  publisherLost(endpoint: EndpointImpl, trackId: string): void {
    this.ctx.logger.info({ routerId: this.id, endpointId: endpoint.id, trackId }, 'sfu publisher connection lost');
    this.unpublishTrack(endpoint, trackId);
  }

  subscriptionRejected(dt: DownTrack): void {
    if (!dt.closed) this.endSubscription(dt, 'rejected');
  }

  endpointClosing(endpoint: EndpointImpl): void {
    for (const trackId of [...endpoint.publishers.keys()]) this.unpublishTrack(endpoint, trackId);
    const subs = this.subscriptions.get(endpoint.id);
    if (subs) for (const dt of [...subs.values()]) this.endSubscription(dt, 'closed');
    this.subscriptions.delete(endpoint.id);
    this.endpoints.delete(endpoint.id);
  }

  // DownTrackHooks
  layerSwitched(dt: DownTrack, layer: SourceLayer): void {
    this.events.emit('layerSwitched', {
      endpointId: dt.endpointId,
      trackId: dt.source.trackId,
      rid: layer.rid,
      width: layer.width,
      height: layer.height,
    });
  }

  subscribe(endpointId: string, trackId: string, options?: SubscriptionOptions): SubscriptionInfo {
    this.assertOpen();
    const opts = validateOptions(options);
    const endpoint = this.endpoints.get(endpointId);
    if (!endpoint) throw notFound(`endpoint ${String(endpointId)} not found in router ${this.id}`);
    const track = this.tracks.get(trackId);
    if (!track) throw notFound(`track ${String(trackId)} not found in router ${this.id}`);
    if (track.endpointId === endpointId) throw invalid('an endpoint cannot subscribe to its own track');
    let subs = this.subscriptions.get(endpointId);
    if (subs?.has(trackId)) throw conflict(`endpoint ${endpointId} already subscribes to ${trackId}`);
    const transport = endpoint.subscriber();
    const slot = transport.acquireSlot(track.kind);
    const dt = new DownTrack(this.ctx, track, slot, endpointId, opts, this);
    transport.assign(slot, dt);
    if (!subs) {
      subs = new Map();
      this.subscriptions.set(endpointId, subs);
    }
    subs.set(trackId, dt);
    allocateSubscriber(transport, Date.now(), false);
    updateLayersNeeded(track, (e) => this.events.emit('layersNeeded', e));
    const info = dt.info();
    this.events.emit('subscriptionStarted', info);
    return info;
  }

  updateSubscription(endpointId: string, trackId: string, options: SubscriptionOptions): SubscriptionInfo {
    this.assertOpen();
    const opts = validateOptions(options);
    const dt = this.findSubscription(endpointId, trackId);
    dt.setOptions(opts);
    const transport = this.endpoints.get(endpointId)?.subscriberIfAny;
    if (transport) allocateSubscriber(transport, Date.now(), false);
    updateLayersNeeded(dt.source, (e) => this.events.emit('layersNeeded', e));
    const info = dt.info();
    this.events.emit('subscriptionReconfigured', info);
    return info;
  }

  unsubscribe(endpointId: string, trackId: string): void {
    this.assertOpen();
    this.endSubscription(this.findSubscription(endpointId, trackId), 'unsubscribed');
  }

  listSubscriptions(endpointId: string): SubscriptionInfo[] {
    return [...(this.subscriptions.get(endpointId)?.values() ?? [])].map((dt) => dt.info());
  }

  setTrackPaused(trackId: string, paused: boolean): void {
    this.assertOpen();
    if (typeof paused !== 'boolean') throw invalid('paused must be a boolean');
    const track = this.tracks.get(trackId);
    if (!track) throw notFound(`track ${String(trackId)} not found in router ${this.id}`);
    track.setPaused(paused);
  }

  private findSubscription(endpointId: string, trackId: string): DownTrack {
    const dt = this.subscriptions.get(endpointId)?.get(trackId);
    if (!dt) throw notFound(`endpoint ${String(endpointId)} does not subscribe to ${String(trackId)}`);
    return dt;
  }

  private endSubscription(dt: DownTrack, reason: SubscriptionEndReason): void {
    if (dt.closed) return;
    dt.close();
    this.subscriptions.get(dt.endpointId)?.delete(dt.source.trackId);
    const endpoint = this.endpoints.get(dt.endpointId);
    if (reason !== 'closed') endpoint?.subscriberIfAny?.releaseSlot(dt.slot);
    if (!dt.source.closed) updateLayersNeeded(dt.source, (e) => this.events.emit('layersNeeded', e));
    this.events.emit('subscriptionEnded', { endpointId: dt.endpointId, trackId: dt.source.trackId, mid: dt.slot.mid, reason });
  }

  /** Periodic work (every 250 ms): publisher RTCP, audio levels, layer allocation, dynacast. */
  tick(nowMs: number): void {
    if (this.closedFlag) return;
    for (const track of this.tracks.values()) {
      track.tick(nowMs);
      if (track.meter && track.meter.sample()) {
        this.events.emit('audioLevel', {
          trackId: track.trackId,
          endpointId: track.endpointId,
          streamKey: track.streamKey,
          level: Math.round(track.meter.level * 1000) / 1000,
          speaking: track.meter.speaking,
        });
      }
    }
    for (const ep of this.endpoints.values()) {
      const t = ep.subscriberIfAny;
      if (t) allocateSubscriber(t, nowMs, true);
    }
    for (const track of this.tracks.values()) {
      if (track.kind === 'video') updateLayersNeeded(track, (e) => this.events.emit('layersNeeded', e));
    }
  }

  close(): void {
    if (this.closedFlag) return;
    for (const ep of [...this.endpoints.values()]) ep.close('router-closed');
    this.closedFlag = true;
    this.events.removeAll();
    this.ctx.counters.routers--;
    this.onClose(this);
  }
}
