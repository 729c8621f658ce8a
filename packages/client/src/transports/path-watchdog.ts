/**
 * Notices a dead media path long before the browser does. Chromium keeps a connection
 * `connected` for about 15 s after the network path breaks; but it keeps sending ICE consent
 * checks on the selected pair, so checks going out with no answers coming back for STALE_MS means
 * the path is gone.
 */
export const STALE_MS = 4000;
const POLL_MS = 1000;

interface PairProgress {
  responses: number;
  /** Checks sent when the last answer arrived. */
  requestsThen: number;
  /** When an answer last arrived (or the pair was first seen). */
  lastAnswer: number;
}

export class PathWatchdog {
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly progress = new WeakMap<RTCPeerConnection, PairProgress>();
  private polling = false;

  constructor(
    private readonly connections: () => RTCPeerConnection[],
    private readonly onStale: (pc: RTCPeerConnection) => void,
  ) {
    this.timer = setInterval(() => void this.poll(), POLL_MS);
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const pc of this.connections()) {
        if (pc.connectionState !== 'connected') continue;
        const pair = await selectedPair(pc);
        if (!pair) continue;
        const now = Date.now();
        const last = this.progress.get(pc);
        if (!last || pair.responses > last.responses) {
          this.progress.set(pc, { responses: pair.responses, requestsThen: pair.requests, lastAnswer: now });
          continue;
        }
        if (pair.requests > last.requestsThen && now - last.lastAnswer > STALE_MS) {
          this.progress.delete(pc);
          this.onStale(pc);
        }
      }
    } catch {
      // A connection closed while being read; the next poll sees the new set.
    } finally {
      this.polling = false;
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

async function selectedPair(pc: RTCPeerConnection): Promise<{ requests: number; responses: number } | null> {
  const stats = await pc.getStats();
  let pairId: string | undefined;
  stats.forEach((s: Record<string, unknown>) => {
    if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') pairId = s.selectedCandidatePairId;
  });
  const pair = pairId ? (stats.get(pairId) as Record<string, unknown> | undefined) : undefined;
  if (!pair) return null;
  return { requests: Number(pair.requestsSent ?? 0) + Number(pair.consentRequestsSent ?? 0), responses: Number(pair.responsesReceived ?? 0) };
}
