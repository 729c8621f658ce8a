/**
 * A telephone ring made with WebAudio, no media files: two tones (440 Hz and 480 Hz) together, in
 * the classic double-ring cadence: 0.4 s on, 0.2 s off, 0.4 s on, 2 s off.
 */
export const RING_TONES_HZ = [440, 480] as const;
/** [start, end] of each burst within one cycle, in seconds. */
export const RING_BURSTS: readonly (readonly [number, number])[] = [
  [0, 0.4],
  [0.6, 1.0],
];
export const RING_CYCLE_S = 3;
const VOLUME = 0.12;
const RAMP_S = 0.015;
/** Cycles are scheduled on the audio clock this far ahead. */
const LOOKAHEAD_S = 1.5;

/** Interactions after which browsers let a page play sound. */
const GESTURES = ['pointerdown', 'keydown', 'touchstart'] as const;

/** playing: audible; waiting: the browser holds audio until the user interacts with the page; off: stopped or no WebAudio. */
export type RingtoneState = 'playing' | 'waiting' | 'off';

export class Ringtone {
  private context: AudioContext | null = null;
  private oscillators: OscillatorNode[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private nextCycleAt = 0;
  private listening = false;
  private readonly onGesture = () => void this.context?.resume().catch(() => undefined);

  constructor(private readonly onState: (state: RingtoneState) => void = () => undefined) {}

  get state(): RingtoneState {
    if (!this.context) return 'off';
    return this.context.state === 'running' ? 'playing' : 'waiting';
  }

  /**
   * Starts ringing. Browsers only let pages make sound after the user has interacted with them;
   * until then the audio context stays suspended ("waiting") and the first click or key starts it.
   */
  start(): void {
    if (this.context || typeof AudioContext === 'undefined') return;
    let context: AudioContext;
    try {
      context = new AudioContext();
    } catch {
      return;
    }
    this.context = context;
    const gain = context.createGain();
    gain.gain.value = 0;
    gain.connect(context.destination);
    this.oscillators = RING_TONES_HZ.map((hz) => {
      const osc = context.createOscillator();
      osc.frequency.value = hz;
      osc.connect(gain);
      osc.start();
      return osc;
    });
    context.onstatechange = () => {
      if (context.state === 'running') this.removeGestureListeners();
      this.onState(this.state);
    };
    this.nextCycleAt = context.currentTime + 0.05;
    const schedule = () => {
      // A suspended clock does not advance, so nothing piles up while waiting for a gesture.
      while (this.nextCycleAt < context.currentTime + LOOKAHEAD_S) {
        for (const [on, off] of RING_BURSTS) {
          const start = this.nextCycleAt + on;
          const end = this.nextCycleAt + off;
          gain.gain.setValueAtTime(0, start);
          gain.gain.linearRampToValueAtTime(VOLUME, start + RAMP_S);
          gain.gain.setValueAtTime(VOLUME, end - RAMP_S);
          gain.gain.linearRampToValueAtTime(0, end);
        }
        this.nextCycleAt += RING_CYCLE_S;
      }
    };
    schedule();
    this.timer = setInterval(schedule, 500);
    if (context.state !== 'running') {
      // Autoplay refused for now: no error, the next interaction starts it.
      context.resume().catch(() => undefined);
      this.listening = true;
      for (const name of GESTURES) window.addEventListener(name, this.onGesture, { capture: true });
    }
    this.onState(this.state);
  }

  stop(): void {
    const context = this.context;
    if (!context) return;
    this.context = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.removeGestureListeners();
    for (const osc of this.oscillators) {
      try {
        osc.stop();
      } catch {
        // Already stopped.
      }
      osc.disconnect();
    }
    this.oscillators = [];
    context.onstatechange = null;
    void context.close().catch(() => undefined);
    this.onState('off');
  }

  private removeGestureListeners(): void {
    if (!this.listening) return;
    this.listening = false;
    for (const name of GESTURES) window.removeEventListener(name, this.onGesture, { capture: true });
  }
}
