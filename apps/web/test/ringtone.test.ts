import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import { RING_BURSTS, RING_CYCLE_S, RING_TONES_HZ, Ringtone, type RingtoneState } from '../src/ringing/ringtone';

/** A WebAudio stand-in that records what the ringtone asks of it. */
class FakeAudioContext {
  static last: FakeAudioContext | null = null;
  static startState: AudioContextState = 'running';
  state: AudioContextState = FakeAudioContext.startState;
  currentTime = 0;
  destination = {};
  onstatechange: (() => void) | null = null;
  closed = false;
  oscillators: { frequency: { value: number }; started: boolean; stopped: boolean }[] = [];
  automation: [string, number, number][] = [];
  constructor() {
    FakeAudioContext.last = this;
  }
  createGain() {
    const log = this.automation;
    return {
      gain: {
        value: 1,
        setValueAtTime: (v: number, t: number) => log.push(['set', v, t]),
        linearRampToValueAtTime: (v: number, t: number) => log.push(['ramp', v, t]),
      },
      connect() {},
    };
  }
  createOscillator() {
    const osc = { frequency: { value: 0 }, started: false, stopped: false, connect() {}, disconnect() {}, start: () => (osc.started = true), stop: () => (osc.stopped = true) };
    this.oscillators.push(osc);
    return osc;
  }
  async resume() {
    this.state = 'running';
    this.onstatechange?.();
  }
  async close() {
    this.closed = true;
  }
}

const g = globalThis as Record<string, unknown>;

describe('ringtone', () => {
  afterEach(() => {
    delete g.AudioContext;
    delete g.window;
  });

  it('plays two tones together in the double-ring cadence, and releases everything on stop', () => {
    g.AudioContext = FakeAudioContext;
    mock.timers.enable({ apis: ['setInterval'] });
    const states: RingtoneState[] = [];
    const ringtone = new Ringtone((s) => states.push(s));
    ringtone.start();
    const ctx = FakeAudioContext.last!;
    assert.deepEqual(ctx.oscillators.map((o) => o.frequency.value), [...RING_TONES_HZ]);
    assert.ok(ctx.oscillators.every((o) => o.started));
    assert.equal(ringtone.state, 'playing');
    // The first cycle: the gain rises to the volume at each burst's start and falls at its end.
    const rises = ctx.automation.filter(([kind, v]) => kind === 'ramp' && v > 0).map(([, , t]) => t);
    const falls = ctx.automation.filter(([kind, v]) => kind === 'ramp' && v === 0).map(([, , t]) => t);
    const t0 = 0.05;
    const close = (a: number, b: number) => Math.abs(a - b) < 0.02;
    assert.ok(RING_BURSTS.every(([on], i) => close(rises[i]! - t0, on)), `rises at ${rises}`);
    assert.ok(RING_BURSTS.every(([, off], i) => close(falls[i]! - t0, off)), `falls at ${falls}`);
    assert.equal(rises.length, RING_BURSTS.length, 'one cycle ahead at a time');
    // As the audio clock runs, the next cycle is scheduled, after the pause.
    ctx.currentTime = 2;
    mock.timers.tick(500);
    const next = ctx.automation.filter(([kind, v]) => kind === 'ramp' && v > 0).map(([, , t]) => t);
    assert.ok(close(next[RING_BURSTS.length]! - t0, RING_CYCLE_S), `next cycle at ${next}`);

    ringtone.stop();
    assert.ok(ctx.closed);
    assert.ok(ctx.oscillators.every((o) => o.stopped));
    assert.equal(ringtone.state, 'off');
    assert.deepEqual(states, ['playing', 'off']);
    mock.timers.reset();
  });

  it('waits for a gesture when the browser holds audio, without an error', async () => {
    g.AudioContext = FakeAudioContext;
    g.window = new EventTarget();
    FakeAudioContext.startState = 'suspended';
    const ringtone = new Ringtone();
    const resume = FakeAudioContext.prototype.resume;
    // The browser refuses until the user interacts: resume() stays pending.
    FakeAudioContext.prototype.resume = () => new Promise<void>(() => undefined);
    ringtone.start();
    FakeAudioContext.prototype.resume = resume;
    assert.equal(ringtone.state, 'waiting');
    (g.window as EventTarget).dispatchEvent(new Event('pointerdown'));
    await Promise.resolve();
    assert.equal(ringtone.state, 'playing');
    ringtone.stop();
    FakeAudioContext.startState = 'running';
  });
});
