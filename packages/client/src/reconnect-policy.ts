import type { ConfabError } from './errors.js';

export type RecoveryStrategy = 'fast' | 'rejoin';

export interface RecoveryContext {
  /** Attempts made so far in this recovery (0 before the first). */
  attempt: number;
  /** Time since the link was lost. */
  elapsedMs: number;
  lastError: ConfabError | null;
}

/**
 * When and how to try recovering a call. Replace it with `new ConfabClient({ reconnectPolicy })`.
 * - nextDelayMs: wait before the next attempt, or null to give up (RECONNECTING_FAILED).
 * - strategyFor: FAST (take the same session back and restart ICE) while the server may still hold
 *   the session, REJOIN (a new session, same published tracks) after. The server's answer overrides
 *   it: a FAST attempt the server refuses with NOT_FOUND goes straight to REJOIN.
 */
export interface ReconnectPolicy {
  nextDelayMs(context: RecoveryContext): number | null;
  strategyFor(context: RecoveryContext): RecoveryStrategy;
}

export interface DefaultReconnectPolicyOptions {
  /** First retry delay after the immediate attempt (default 250 ms); doubles each attempt. */
  baseDelayMs?: number;
  /** Longest delay between attempts (default 5 s). */
  maxDelayMs?: number;
  /** Random spread of each delay, as a fraction (default 0.2: ±20%). */
  jitter?: number;
  /** Give up after this long without recovering (default 60 s). */
  giveUpAfterMs?: number;
  /** Try FAST this long after the loss (default 15 s, the server's default grace period). */
  fastWindowMs?: number;
  random?: () => number;
}

/**
 * Documented defaults: immediate attempt, then 250 ms doubling to 5 s with ±20% jitter; FAST for
 * 15 s; give up at 60 s. (A token the server refuses is the client's business, not the policy's:
 * it asks the tokenProvider again, and gives up at once when there is none.)
 */
export class DefaultReconnectPolicy implements ReconnectPolicy {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly jitter: number;
  readonly giveUpAfterMs: number;
  readonly fastWindowMs: number;
  private readonly random: () => number;

  constructor(options: DefaultReconnectPolicyOptions = {}) {
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 5000;
    this.jitter = options.jitter ?? 0.2;
    this.giveUpAfterMs = options.giveUpAfterMs ?? 60_000;
    this.fastWindowMs = options.fastWindowMs ?? 15_000;
    this.random = options.random ?? Math.random;
  }

  nextDelayMs({ attempt, elapsedMs }: RecoveryContext): number | null {
    if (elapsedMs >= this.giveUpAfterMs) return null;
    if (attempt === 0) return 0;
    const raw = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    const spread = raw * this.jitter * (this.random() * 2 - 1);
    return Math.max(0, Math.min(Math.round(raw + spread), this.giveUpAfterMs - elapsedMs));
  }

  strategyFor({ elapsedMs }: RecoveryContext): RecoveryStrategy {
    return elapsedMs < this.fastWindowMs ? 'fast' : 'rejoin';
  }
}
