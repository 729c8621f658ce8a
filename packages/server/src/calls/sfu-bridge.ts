import type { Logger } from 'pino';
import type { RequestPayload, ServerEvent, TrackKind } from '@confab/protocol';
import { ServiceError } from '../errors.js';
import type { Endpoint, Router, Sfu, SubscriptionOptions } from '../sfu/index.js';
import { SfuError } from '../sfu/index.js';
import type { CallService } from './call-service.js';
import { PUBLISH_CAPABILITY, requireIn } from './permissions.js';
import { SpeakerTracker } from './sfu-speakers.js';
import type { ActiveCall, Caller, LiveSession } from './types.js';

/** By default a participant receives everyone's audio and the video of up to this many others. */
export const MAX_AUTO_VIDEO = 25;
/** Size asked for automatic video subscriptions: a grid tile, not the full layer. */
const AUTO_VIDEO: SubscriptionOptions = { maxWidth: 640, maxHeight: 360 };
/** How often batched audio levels go out. */
const LEVELS_INTERVAL_MS = 300;

interface SfuSession {
  session: LiveSession;
  endpoint: Endpoint;
  mode: 'auto' | 'manual';
  offs: (() => void)[];
}

interface SfuCall {
  cid: string;
  router: Router;
  speakers: SpeakerTracker;
  offs: (() => void)[];
}

const trackIdOf = (sessionId: string, kind: TrackKind) => `${sessionId}:${kind}`;

function parseTrackId(trackId: string): { sessionId: string; kind: TrackKind } | null {
  const at = trackId.lastIndexOf(':');
  const kind = trackId.slice(at + 1);
  if (at < 0 || (kind !== 'audio' && kind !== 'video' && kind !== 'screen')) return null;
  return { sessionId: trackId.slice(0, at), kind };
}

/** Runs an SFU operation, turning its errors into coded service errors. */
function viaSfu<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof SfuError) throw new ServiceError(error.code, error.message, { cause: error });
    throw error;
  }
}

/**
 * Connects the calls domain to the SFU for calls whose media path is `sfu`: one router per call,
 * one endpoint per session, SDP and candidates carried over signalling, default subscriptions
 * (everyone's audio, video of up to 25 others preferring recent speakers), selective
 * subscriptions, mute as paused forwarding, audio levels and dynacast hints back to clients.
 */
export class SfuBridge {
  private readonly calls = new Map<string, SfuCall>();
  private readonly sessions = new Map<string, SfuSession>();
  private readonly levelsTimer: NodeJS.Timeout;

  constructor(
    readonly sfu: Sfu,
    private readonly callService: CallService,
    private readonly logger: Logger,
  ) {
    callService.hooks.add({
      sessionJoined: (s) => this.attach(s),
      sessionLeft: (s) => this.detach(s.sessionId),
      tracksChanged: (s, added, removed) => this.tracksChanged(s, added, removed),
    });
    this.levelsTimer = setInterval(() => this.flushLevels(), LEVELS_INTERVAL_MS);
    this.levelsTimer.unref();
  }

  private activeCall(cid: string): ActiveCall | undefined {
    return this.callService.active.get(cid);
  }

  private send(sessionId: string, event: ServerEvent): void {
    const s = this.sessions.get(sessionId);
    if (s) this.callService.sendToSession(s.session, event);
  }

  // ---- lifecycle --------------------------------------------------------------------------------

  private callFor(cid: string): SfuCall {
    let call = this.calls.get(cid);
    if (call) return call;
    const router = this.sfu.createRouter(cid);
    call = { cid, router, speakers: new SpeakerTracker(), offs: [] };
    const c = call;
    c.offs.push(
      router.on('trackPublished', (t) => {
        // Everyone in automatic mode receives it (audio always, video within the limit).
        for (const s of this.sessions.values()) if (s.session.cid === cid && s.mode === 'auto') this.autoSubscribe(c, s, t.trackId);
      }),
      router.on('subscriptionStarted', (sub) => this.subscriptionEvent(sub.endpointId, sub.trackId, 'subscription.started')),
      router.on('subscriptionEnded', (sub) => this.subscriptionEvent(sub.endpointId, sub.trackId, 'subscription.ended', sub.reason)),
      router.on('layerSwitched', (sub) => {
        const t = parseTrackId(sub.trackId);
        if (t) this.send(sub.endpointId, { type: 'subscription.reconfigured', payload: { cid, sessionId: t.sessionId, kind: t.kind, rid: sub.rid } });
      }),
      router.on('audioLevel', (a) => c.speakers.update(a.endpointId, a.level, a.speaking)),
      router.on('layersNeeded', (l) => {
        const t = parseTrackId(l.trackId);
        if (t) this.send(l.endpointId, { type: 'sfu.layers', payload: { cid, kind: t.kind, rids: l.rids } });
      }),
    );
    this.calls.set(cid, call);
    return call;
  }

  /** A session joined an SFU call: its endpoint, and (once the join answer is out) its subscriptions. */
  private attach(session: LiveSession): void {
    const active = this.activeCall(session.cid);
    if (!active || active.type.mediaPath !== 'sfu') return;
    const call = this.callFor(session.cid);
    const endpoint = call.router.createEndpoint(session.sessionId);
    const s: SfuSession = { session, endpoint, mode: session.subscriptionMode, offs: [] };
    const cid = session.cid;
    s.offs.push(
      endpoint.on('subscriberOffer', ({ sdp, tracks }) => {
        const described = tracks.flatMap((t) => {
          const parsed = parseTrackId(t.trackId);
          return parsed ? [{ mid: t.mid, sessionId: parsed.sessionId, kind: parsed.kind }] : [];
        });
        this.send(session.sessionId, { type: 'sfu.offer', payload: { cid, sdp, tracks: described } });
      }),
      endpoint.on('subscriberCandidate', ({ candidate, sdpMid }) => this.send(session.sessionId, { type: 'sfu.candidate', payload: { cid, candidate, sdpMid } })),
      endpoint.on('iceStateChange', ({ transport, state }) => {
        if (state === 'failed') this.send(session.sessionId, { type: 'call.recover', payload: { cid, strategy: 'fast', reason: `${transport} ICE failed` } });
      }),
    );
    this.sessions.set(session.sessionId, s);
    // After the join answer has gone out, so the client has its transport when offers come.
    setImmediate(() => {
      if (this.sessions.get(session.sessionId) !== s || s.mode !== 'auto') return;
      for (const t of call.router.listTracks()) this.autoSubscribe(call, s, t.trackId);
    });
  }

  private detach(sessionId: string): void {
    const s = this.sessions.get(sessionId);
    if (!s) return;
    this.sessions.delete(sessionId);
    for (const off of s.offs) off();
    s.endpoint.close();
    const call = this.calls.get(s.session.cid);
    if (!call) return;
    call.speakers.forget(sessionId);
    if (![...this.sessions.values()].some((o) => o.session.cid === call.cid)) {
      for (const off of call.offs) off();
      call.router.close();
      this.calls.delete(call.cid);
    }
  }

  /**
   * FAST recovery of the media path: a fresh endpoint under the same session id (the client makes a
   * fresh transport and publishes again). Others see the tracks come back, nobody leaves.
   */
  restart(caller: Caller, cid: string): void {
    const session = this.callService.sessionOf(caller, cid);
    session.subscriptionMode = this.sfuSession(session).mode;
    this.detach(session.sessionId);
    this.attach(session);
  }

  // ---- requests ---------------------------------------------------------------------------------

  private sfuSession(session: LiveSession): SfuSession {
    const s = this.sessions.get(session.sessionId);
    if (!s) throw new ServiceError('INVALID_ARGUMENT', `${session.cid} does not go through the SFU`);
    return s;
  }

  publish(caller: Caller, p: RequestPayload<'sfu.publish'>): { answer: string } {
    const session = this.callService.sessionOf(caller, p.cid);
    const s = this.sfuSession(session);
    requireIn(session.capabilities, PUBLISH_CAPABILITY[p.kind], 'you');
    if (this.activeCall(p.cid)?.type.audioOnly && p.kind !== 'audio') throw new ServiceError('INVALID_ARGUMENT', 'this call is audio only');
    const trackId = trackIdOf(session.sessionId, p.kind);
    const call = this.callFor(p.cid);
    if (call.router.getTrack(trackId)) viaSfu(() => s.endpoint.unpublish(trackId));
    const result = viaSfu(() => s.endpoint.publish({ trackId, kind: p.kind === 'audio' ? 'audio' : 'video', streamKey: p.kind, offer: p.offer }));
    if (!session.publishedTracks.includes(p.kind)) viaSfu(() => call.router.setTrackPaused(trackId, true));
    return result;
  }

  unpublish(caller: Caller, p: RequestPayload<'sfu.unpublish'>): void {
    const session = this.callService.sessionOf(caller, p.cid);
    viaSfu(() => this.sfuSession(session).endpoint.unpublish(trackIdOf(session.sessionId, p.kind)));
  }

  answer(caller: Caller, p: RequestPayload<'sfu.answer'>): void {
    const session = this.callService.sessionOf(caller, p.cid);
    viaSfu(() => this.sfuSession(session).endpoint.setSubscriberAnswer(p.sdp));
  }

  candidate(caller: Caller, p: RequestPayload<'sfu.candidate'>): void {
    const session = this.callService.sessionOf(caller, p.cid);
    const target = p.target === 'subscriber' ? 'subscriber' : { publisher: trackIdOf(session.sessionId, p.target) };
    viaSfu(() => this.sfuSession(session).endpoint.addIceCandidate(target, p.candidate, p.sdpMid ?? undefined));
  }

  subscribe(caller: Caller, p: RequestPayload<'sfu.subscribe'>): void {
    const { s, call, trackId } = this.subscriptionTarget(caller, p);
    s.mode = s.session.subscriptionMode = 'manual';
    const options: SubscriptionOptions = {};
    if (p.maxWidth !== undefined) options.maxWidth = p.maxWidth;
    if (p.maxHeight !== undefined) options.maxHeight = p.maxHeight;
    if (p.paused !== undefined) options.paused = p.paused;
    const existing = call.router.listSubscriptions(s.session.sessionId).some((x) => x.trackId === trackId);
    viaSfu(() => (existing ? call.router.updateSubscription(s.session.sessionId, trackId, options) : call.router.subscribe(s.session.sessionId, trackId, options)));
  }

  unsubscribe(caller: Caller, p: RequestPayload<'sfu.unsubscribe'>): void {
    const { s, call, trackId } = this.subscriptionTarget(caller, p);
    s.mode = s.session.subscriptionMode = 'manual';
    viaSfu(() => call.router.unsubscribe(s.session.sessionId, trackId));
  }

  setMode(caller: Caller, p: RequestPayload<'sfu.subscriptionMode'>): void {
    const session = this.callService.sessionOf(caller, p.cid);
    const s = this.sfuSession(session);
    s.mode = p.mode;
    session.subscriptionMode = p.mode;
    if (p.mode === 'auto') {
      const call = this.callFor(p.cid);
      for (const t of call.router.listTracks()) this.autoSubscribe(call, s, t.trackId);
    }
  }

  private subscriptionTarget(caller: Caller, p: { cid: string; sessionId: string; kind: TrackKind }) {
    const session = this.callService.sessionOf(caller, p.cid);
    const s = this.sfuSession(session);
    requireIn(session.capabilities, 'subscribe', 'you');
    if (p.sessionId === session.sessionId) throw new ServiceError('INVALID_ARGUMENT', 'you cannot subscribe to yourself');
    if (!this.activeCall(p.cid)?.sessions.has(p.sessionId)) throw new ServiceError('NOT_FOUND', `session ${p.sessionId} is not in ${p.cid}`);
    const trackId = trackIdOf(p.sessionId, p.kind);
    const call = this.callFor(p.cid);
    if (!call.router.getTrack(trackId)) throw new ServiceError('NOT_FOUND', `session ${p.sessionId} does not publish ${p.kind}`);
    return { s, call, trackId };
  }

  // ---- automatic subscriptions, mute, audio activity --------------------------------------------

  private autoSubscribe(call: SfuCall, s: SfuSession, trackId: string): void {
    const t = parseTrackId(trackId);
    if (!t || t.sessionId === s.session.sessionId || !s.session.capabilities.has('subscribe')) return;
    const subs = call.router.listSubscriptions(s.session.sessionId);
    if (subs.some((x) => x.trackId === trackId)) return;
    if (t.kind !== 'audio') {
      const videos = subs.filter((x) => x.kind === 'video');
      if (videos.length >= MAX_AUTO_VIDEO) {
        // Full: make room only for someone who spoke more recently than the least recent one we show.
        const worst = videos.reduce((a, b) => (call.speakers.rank(parseTrackId(a.trackId)!.sessionId) >= call.speakers.rank(parseTrackId(b.trackId)!.sessionId) ? a : b));
        if (call.speakers.rank(t.sessionId) >= call.speakers.rank(parseTrackId(worst.trackId)!.sessionId)) return;
        call.router.unsubscribe(s.session.sessionId, worst.trackId);
      }
    }
    try {
      call.router.subscribe(s.session.sessionId, trackId, t.kind === 'video' ? AUTO_VIDEO : {});
    } catch (error) {
      this.logger.warn({ err: error, trackId, subscriber: s.session.sessionId }, 'automatic subscription failed');
    }
  }

  private tracksChanged(session: LiveSession, added: TrackKind[], removed: TrackKind[]): void {
    const call = this.calls.get(session.cid);
    if (!call || !this.sessions.has(session.sessionId)) return;
    // Muting stops forwarding at the SFU: no packets of a muted track reach anyone.
    for (const [kinds, paused] of [[added, false], [removed, true]] as const) {
      for (const kind of kinds) {
        const trackId = trackIdOf(session.sessionId, kind);
        if (call.router.getTrack(trackId)) call.router.setTrackPaused(trackId, paused);
      }
    }
  }

  private subscriptionEvent(endpointId: string, trackId: string, type: 'subscription.started' | 'subscription.ended', reason?: string): void {
    const t = parseTrackId(trackId);
    const s = this.sessions.get(endpointId);
    if (!t || !s) return;
    const cid = s.session.cid;
    if (type === 'subscription.started') this.send(endpointId, { type, payload: { cid, sessionId: t.sessionId, kind: t.kind } });
    else this.send(endpointId, { type, payload: { cid, sessionId: t.sessionId, kind: t.kind, reason: reason ?? 'ended' } });
  }

  private flushLevels(): void {
    for (const call of this.calls.values()) {
      const active = this.activeCall(call.cid);
      if (!active) continue;
      const levels = call.speakers.takeBatch();
      if (levels.length > 0) this.callService.broadcast(active, { type: 'audio.levels', payload: { cid: call.cid, levels } });
      const change = call.speakers.takeDominantChange();
      if (!change) continue;
      this.callService.broadcast(active, { type: 'speaker.changed', payload: { cid: call.cid, sessionId: change.sessionId } });
      // Automatic subscribers that do not see the new speaker get them (swapping out the least recent).
      if (change.sessionId) {
        for (const s of this.sessions.values()) {
          if (s.session.cid !== call.cid || s.mode !== 'auto') continue;
          for (const kind of ['video', 'screen'] as const) {
            const trackId = trackIdOf(change.sessionId, kind);
            if (call.router.getTrack(trackId)) this.autoSubscribe(call, s, trackId);
          }
        }
      }
    }
  }

  close(): void {
    clearInterval(this.levelsTimer);
    for (const id of [...this.sessions.keys()]) this.detach(id);
    this.sfu.close();
  }
}
