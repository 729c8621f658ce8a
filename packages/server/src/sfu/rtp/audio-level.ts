/**
 * Audio activity from the RFC 6464 client-to-mixer audio level header extension.
 *
 * The extension carries the level of each packet in -dBov (0 = loudest, 127 = silence). The meter
 * accumulates packets cheaply (a table lookup and two additions) and, once per window, produces
 * a smoothed linear level in 0..1 (the scale of WebRTC's `audioLevel` stat) and a speaking flag
 * with hysteresis.
 */

/** Linear amplitude for each -dBov value. */
const LINEAR = new Float64Array(128);
for (let i = 0; i < 128; i++) LINEAR[i] = i === 127 ? 0 : 10 ** (-i / 20);

/** A packet at or above this level (-dBov at most this value) counts as voice. */
export const ACTIVE_DBOV = 40;
/** Fraction of a window's packets that must be active to start speaking. */
const START_FRACTION = 0.3;
/** Windows below the threshold before speaking stops. */
const STOP_WINDOWS = 3;
/** Level change that is worth a report. */
const LEVEL_EPSILON = 0.01;

/** Reads the level (-dBov, 0..127) out of the extension's first data byte. */
export function parseAudioLevel(byte: number): { voice: boolean; dBov: number } {
  return { voice: (byte & 0x80) !== 0, dBov: byte & 0x7f };
}

export class AudioLevelMeter {
  level = 0;
  speaking = false;
  private sum = 0;
  private count = 0;
  private active = 0;
  private quietWindows = 0;
  private reportedLevel = 0;
  private reportedSpeaking = false;

  /** Adds one packet's extension byte. */
  add(byte: number): void {
    const dBov = byte & 0x7f;
    this.sum += LINEAR[dBov]!;
    this.count++;
    if (dBov <= ACTIVE_DBOV) this.active++;
  }

  /**
   * Closes the current window. Returns true when level or speaking changed enough to report.
   */
  sample(): boolean {
    const mean = this.count > 0 ? this.sum / this.count : 0;
    const activeFraction = this.count > 0 ? this.active / this.count : 0;
    this.level = this.count === 0 ? 0 : this.level * 0.5 + mean * 0.5;
    if (this.level < 0.0005) this.level = 0;
    if (activeFraction >= START_FRACTION) {
      this.speaking = true;
      this.quietWindows = 0;
    } else if (this.speaking && ++this.quietWindows >= STOP_WINDOWS) {
      this.speaking = false;
    }
    if (this.count === 0) {
      this.speaking = false;
      this.quietWindows = 0;
    }
    this.sum = 0;
    this.count = 0;
    this.active = 0;
    const changed =
      this.speaking !== this.reportedSpeaking ||
      Math.abs(this.level - this.reportedLevel) >= LEVEL_EPSILON ||
      (this.level === 0 && this.reportedLevel !== 0);
    if (changed) {
      this.reportedLevel = this.level;
      this.reportedSpeaking = this.speaking;
    }
    return changed;
  }
}
