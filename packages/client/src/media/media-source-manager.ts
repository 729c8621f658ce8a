import { BehaviorSubject, distinctUntilChanged, type Observable } from 'rxjs';
import type { TrackKind } from '@confab/protocol';
import { ConfabError } from '../errors.js';
import { SerialQueue } from '../serial.js';

export type SourceStatus = 'enabled' | 'disabled';

/** Called when the source's live track changes: a new track, or null once disabled. */
export type TrackSink = (kind: TrackKind, track: MediaStreamTrack | null) => Promise<void>;

/**
 * A local media source (camera, microphone, screen): one stable MediaStream whose track is
 * acquired on enable and stopped on disable. Operations run one at a time.
 */
export abstract class MediaSourceManager {
  /** Stable across enable/disable and device switches, so the receiver's stream id never changes. */
  readonly stream: MediaStream = new MediaStream();
  private readonly statusSubject = new BehaviorSubject<SourceStatus>('disabled');
  readonly status$: Observable<SourceStatus> = this.statusSubject.pipe(distinctUntilChanged());
  protected readonly queue = new SerialQueue();
  private sink: TrackSink | null = null;
  private currentTrack: MediaStreamTrack | null = null;
  private streamLabel: string | undefined;
  private disposed = false;

  constructor(readonly kind: TrackKind) {}

  /** Acquires a fresh track with the current settings. */
  protected abstract acquire(): Promise<MediaStreamTrack>;

  get status(): SourceStatus {
    return this.statusSubject.value;
  }

  get enabled(): boolean {
    return this.status === 'enabled';
  }

  get track(): MediaStreamTrack | null {
    return this.currentTrack;
  }

  /** The label other participants read for this stream (seed 002 stream metadata). */
  get label(): string | undefined {
    return this.streamLabel;
  }

  setLabel(label: string | undefined): void {
    this.streamLabel = label;
  }

  /** @internal The call publishes the track through this sink. */
  setSink(sink: TrackSink | null): void {
    this.sink = sink;
  }

  enable(): Promise<void> {
    return this.queue.run(async () => {
      this.assertUsable();
      if (this.currentTrack && this.currentTrack.readyState === 'live') return;
      await this.replaceTrack(await this.acquire());
      this.statusSubject.next('enabled');
    });
  }

  disable(): Promise<void> {
    return this.queue.run(async () => {
      if (!this.currentTrack && this.status === 'disabled') return;
      await this.replaceTrack(null);
      this.statusSubject.next('disabled');
    });
  }

  toggle(): Promise<void> {
    return this.enabled ? this.disable() : this.enable();
  }

  /** Re-acquires the track when enabled (for instance after a device or constraint change). */
  protected restart(): Promise<void> {
    return this.queue.run(async () => {
      if (!this.enabled) return;
      // Stop first: some cameras cannot be opened twice at once.
      this.currentTrack?.stop();
      await this.replaceTrack(await this.acquire());
    });
  }

  private async replaceTrack(track: MediaStreamTrack | null): Promise<void> {
    const old = this.currentTrack;
    if (old) {
      old.onended = null;
      old.stop();
      this.stream.removeTrack(old);
    }
    this.currentTrack = track;
    if (track) {
      this.stream.addTrack(track);
      // The user (or the OS) stopped the source, e.g. "Stop sharing" in the browser.
      track.onended = () => void this.disable();
    }
    try {
      await this.sink?.(this.kind, track);
    } catch (error) {
      // Publishing was refused (e.g. a guest may not publish): release the device again.
      if (track) {
        await this.replaceTrack(null).catch(() => undefined);
        this.statusSubject.next('disabled');
      }
      throw error;
    }
  }

  private assertUsable(): void {
    if (this.disposed) throw new ConfabError('INVALID_ARGUMENT', `the ${this.kind} of a left call cannot be enabled`);
  }

  /** Stops the track and forgets the sink; the manager cannot be enabled again. */
  dispose(): void {
    this.disposed = true;
    this.sink = null;
    if (this.currentTrack) {
      this.currentTrack.onended = null;
      this.currentTrack.stop();
      this.stream.removeTrack(this.currentTrack);
      this.currentTrack = null;
    }
    this.statusSubject.next('disabled');
    this.statusSubject.complete();
  }
}
