/**
 * Audio activity of one SFU call: levels batched for broadcast, the current loudest speaker, and
 * the order in which participants last spoke (for choosing whose video to forward by default).
 */
export class SpeakerTracker {
  private readonly pending = new Map<string, { level: number; speaking: boolean }>();
  private readonly current = new Map<string, { level: number; speaking: boolean }>();
  /** Session ids, most recent speaker first. */
  private readonly recency: string[] = [];
  private dominant: string | null = null;

  update(sessionId: string, level: number, speaking: boolean): void {
    this.pending.set(sessionId, { level, speaking });
    this.current.set(sessionId, { level, speaking });
    if (speaking) {
      const i = this.recency.indexOf(sessionId);
      if (i !== 0) {
        if (i > 0) this.recency.splice(i, 1);
        this.recency.unshift(sessionId);
      }
    }
  }

  /** The levels that changed since the last call, then forgotten. */
  takeBatch(): { sessionId: string; level: number; speaking: boolean }[] {
    const batch = [...this.pending].map(([sessionId, v]) => ({ sessionId, ...v }));
    this.pending.clear();
    return batch;
  }

  /** The loudest speaking session if it changed since the last call, else undefined. */
  takeDominantChange(): { sessionId: string | null } | undefined {
    let best: string | null = null;
    let bestLevel = 0;
    for (const [sessionId, v] of this.current) {
      if (v.speaking && v.level > bestLevel) {
        best = sessionId;
        bestLevel = v.level;
      }
    }
    // Keep the current speaker while they still speak: no flapping between two close voices.
    if (this.dominant && this.current.get(this.dominant)?.speaking) best = this.dominant;
    if (best === this.dominant) return undefined;
    this.dominant = best;
    return { sessionId: best };
  }

  /** Lower is more recent; sessions that never spoke rank last. */
  rank(sessionId: string): number {
    const i = this.recency.indexOf(sessionId);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  }

  forget(sessionId: string): void {
    this.pending.delete(sessionId);
    this.current.delete(sessionId);
    const i = this.recency.indexOf(sessionId);
    if (i >= 0) this.recency.splice(i, 1);
    if (this.dominant === sessionId) this.dominant = null;
  }
}
