/**
 * One synthetic participant: a token, the signalling WebSocket, `call.join`, a publisher peer
 * connection per published kind (`sfu.publish`) and the subscriber connection answering
 * `sfu.offer` events, the way the browser SDK joins an SFU call.
 */
import type { TrackKind } from '@confab/protocol';
import { candidateAddress, LossyRelay, rewriteCandidate } from './lossy-relay.js';
import { PublisherConnection } from './publisher.js';
import { SignalClient } from './signal-client.js';
import { SubscriberConnection } from './subscriber.js';
import type { TokenSource } from './tokens.js';

export interface ParticipantContext {
  baseUrl: string;
  callType: string;
  callId: string;
  tokens: TokenSource;
  /** Local address for peer connections (127.0.0.1 against a loopback server). */
  bindAddress: string | undefined;
  videoKbps: number;
  audioOnly: boolean;
  lossPct: number;
}

export type ParticipantState = 'idle' | 'joining' | 'joined' | 'failed' | 'closed';

export class LoadParticipant {
  state: ParticipantState = 'idle';
  signal: SignalClient | null = null;
  sessionId: string | null = null;
  readonly publishers: PublisherConnection[] = [];
  subscriber: SubscriberConnection | null = null;
  relay: LossyRelay | null = null;
  private relayStarting: Promise<LossyRelay> | null = null;
  /** Start → `connection.ok` (token, WebSocket, authentication), ms. */
  connectMs: number | null = null;
  /** call.join request → response, ms. */
  joinMs: number | null = null;
  startedAt = 0;
  error: Error | null = null;
  /** Problems after joining (offers that failed, recoveries the server asked for). */
  readonly incidents: string[] = [];

  constructor(
    readonly userId: string,
    readonly publishes: TrackKind[],
    private readonly ctx: ParticipantContext,
  ) {}

  get cid(): string {
    return `${this.ctx.callType}:${this.ctx.callId}`;
  }

  /** Time from the start of the join to the first RTP packet received, ms. */
  get firstMediaMs(): number | null {
    const at = this.subscriber?.firstPacketAt ?? 0;
    return at > 0 ? at - this.startedAt : null;
  }

  get mediaConnected(): boolean {
    return this.publishers.every((p) => p.connected);
  }

  async join(): Promise<void> {
    this.state = 'joining';
    this.startedAt = performance.now();
    try {
      await this.doJoin();
      if (this.state === 'joining') this.state = 'joined';
    } catch (error) {
      this.error = error as Error;
      if (this.state === 'joining') this.state = 'failed';
      throw error;
    }
  }

  private async doJoin(): Promise<void> {
    const { ctx, cid } = this;
    const token = await ctx.tokens(this.userId, this.userId);
    const signal = await SignalClient.connect(ctx.baseUrl, token);
    this.signal = signal;
    this.connectMs = performance.now() - this.startedAt;
    if (this.state !== 'joining') return void (await signal.close()); // left while connecting
    const lossy = ctx.lossPct > 0;
    const subscriber = new SubscriberConnection(
      `${this.userId}-sub`,
      ctx.bindAddress,
      {
        answer: async (sdp) => void (await signal.request('sfu.answer', { cid, sdp })),
        candidate: (candidate, sdpMid) => void signal.request('sfu.candidate', { cid, target: 'subscriber', candidate, sdpMid }).catch(() => undefined),
      },
      lossy,
    );
    this.subscriber = subscriber;
    // Listeners first: offers can follow the join answer in the same network read.
    signal.on('sfu.offer', (p) => subscriber.handleOffer(p.sdp, p.tracks).catch((e) => this.incident(`offer: ${(e as Error).message}`)));
    signal.on('sfu.candidate', (p) => void this.remoteCandidate(p.candidate, p.sdpMid));
    signal.on('sfu.layers', (p) => {
      for (const pub of this.publishers) if (pub.kind === p.kind && 'setActiveLayers' in pub.source) pub.source.setActiveLayers(p.rids);
    });
    signal.on('call.recover', (p) => this.incident(`server asked for ${p.strategy} recovery: ${p.reason}`));
    signal.on('call.ended', () => this.incident('call ended'));
    signal.on('kicked', () => this.incident('kicked'));

    const t0 = performance.now();
    const result = await signal.request('call.join', {
      type: ctx.callType,
      id: ctx.callId,
      create: true,
      publish: { publishedTracks: this.publishes, streams: this.publishes.map((kind) => ({ streamId: `${this.userId}-${kind}`, kind })) },
    });
    this.joinMs = performance.now() - t0;
    this.sessionId = result.sessionId;
    if (result.mediaPath !== 'sfu') throw new Error(`${cid} is a ${result.mediaPath} call; the load tool needs an SFU call type (default, audio_room)`);
    await Promise.all(this.publishes.map((kind) => this.publish(kind as 'audio' | 'video')));
  }

  private async publish(kind: 'audio' | 'video'): Promise<void> {
    const signal = this.signal!;
    const cid = this.cid;
    const pub = new PublisherConnection(`${this.userId}-${kind}`, kind, this.ctx.videoKbps, this.ctx.bindAddress, (candidate, sdpMid) =>
      void signal.request('sfu.candidate', { cid, target: kind, candidate, sdpMid }).catch(() => undefined),
    );
    this.publishers.push(pub);
    const offer = pub.createOffer();
    const { answer } = await signal.request('sfu.publish', { cid, kind, offer });
    if (this.state !== 'joining') return;
    pub.setAnswer(answer);
  }

  /** The SFU's candidate for the subscriber connection; with --loss it goes through a relay. */
  private async remoteCandidate(candidate: string, sdpMid: string): Promise<void> {
    const sub = this.subscriber;
    if (!sub) return;
    if (this.ctx.lossPct <= 0) return sub.addRemoteCandidate(candidate, sdpMid);
    const target = candidateAddress(candidate);
    if (!target) return;
    try {
      this.relayStarting ??= LossyRelay.start(target, this.ctx.lossPct, this.ctx.bindAddress ?? '0.0.0.0');
      const relay = (this.relay = await this.relayStarting);
      if (this.state === 'closed') return void relay.close();
      sub.addRemoteCandidate(rewriteCandidate(candidate, this.ctx.bindAddress ?? '127.0.0.1', relay.port), sdpMid);
    } catch (error) {
      this.incident(`loss relay: ${(error as Error).message}`);
    }
  }

  private incident(what: string): void {
    if (this.incidents.length < 20) this.incidents.push(what);
  }

  /** Leaves the call (so the server frees the session at once) and closes everything. */
  async leave(): Promise<void> {
    if (this.state === 'closed') return;
    const wasIn = this.sessionId !== null && this.signal?.open;
    this.state = 'closed';
    if (wasIn) await this.signal!.request('call.leave', { cid: this.cid }, 5000).catch(() => undefined);
    for (const p of this.publishers) p.close();
    this.subscriber?.close();
    await this.signal?.close();
    const relay = this.relay ?? (this.relayStarting ? await this.relayStarting.catch(() => null) : null);
    await relay?.close();
  }
}
