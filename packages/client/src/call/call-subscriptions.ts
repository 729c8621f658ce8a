import type { TrackKind } from '@confab/protocol';
import { ConfabError } from '../errors.js';
import type { CallHost } from './call-host.js';

export interface SubscriptionOptions {
  /** The size the video is shown at: the SFU sends the smallest simulcast layer at least this large. */
  maxWidth?: number;
  maxHeight?: number;
  /** Keep the subscription but stop the media (e.g. a tile scrolled out of view). */
  paused?: boolean;
}

export type SubscriptionMode = 'auto' | 'manual';

/**
 * Selective subscriptions of an SFU call (seed 003's addSubscription / updateSubscription /
 * removeSubscription). In `auto` mode the server chooses: everyone's audio and the video of up to
 * 25 others, recent speakers first. The first explicit call switches to `manual`: only what was
 * asked for flows. Choices are kept and sent again after a reconnection.
 */
export class CallSubscriptions {
  private mode: SubscriptionMode = 'auto';
  private readonly wanted = new Map<string, { sessionId: string; kind: TrackKind; options: SubscriptionOptions }>();

  constructor(
    private readonly cid: string,
    private readonly host: CallHost,
    private readonly isSfu: () => boolean,
  ) {}

  private check(): void {
    if (!this.isSfu()) throw new ConfabError('INVALID_ARGUMENT', 'selective subscriptions apply to SFU calls; p2p calls receive everything');
  }

  get currentMode(): SubscriptionMode {
    return this.mode;
  }

  /** Receives (or resizes, or pauses) one participant's audio, video or screen. */
  async subscribe(sessionId: string, kind: TrackKind, options: SubscriptionOptions = {}): Promise<void> {
    this.check();
    await this.host.request('sfu.subscribe', { cid: this.cid, sessionId, kind, ...options });
    this.mode = 'manual';
    this.wanted.set(`${sessionId}:${kind}`, { sessionId, kind, options });
  }

  async unsubscribe(sessionId: string, kind: TrackKind): Promise<void> {
    this.check();
    await this.host.request('sfu.unsubscribe', { cid: this.cid, sessionId, kind });
    this.mode = 'manual';
    this.wanted.delete(`${sessionId}:${kind}`);
  }

  async setMode(mode: SubscriptionMode): Promise<void> {
    this.check();
    await this.host.request('sfu.subscriptionMode', { cid: this.cid, mode });
    this.mode = mode;
    if (mode === 'auto') this.wanted.clear();
  }

  /** The mode a join asked for. */
  startWith(mode: SubscriptionMode | undefined): void {
    if (mode) this.mode = mode;
  }

  /** A participant left: forget what was asked of them. */
  forget(sessionId: string): void {
    for (const [key, w] of this.wanted) if (w.sessionId === sessionId) this.wanted.delete(key);
  }

  /** After a new session or a media restart: ask again for what manual mode had. */
  async replay(): Promise<void> {
    if (this.mode === 'auto' || !this.isSfu()) return;
    await this.host.request('sfu.subscriptionMode', { cid: this.cid, mode: 'manual' });
    for (const w of this.wanted.values()) {
      await this.host.request('sfu.subscribe', { cid: this.cid, sessionId: w.sessionId, kind: w.kind, ...w.options }).catch(() => undefined);
    }
  }
}
