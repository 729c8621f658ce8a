/**
 * Simulcast layer choice: pure functions, unit tested on their own.
 *
 * Per subscription the SFU computes a *desired* layer from the size the subscriber renders at,
 * then a *target* layer: the desired one if it is flowing, else the nearest flowing one, and
 * finally fits all of a subscriber's video into its downlink budget.
 */

export interface LayerInfo {
  /** Resolution seen in this layer's last key frame (0 when unknown yet). */
  width: number;
  height: number;
  /** Measured bitrate in bit/s (0 when not flowing). */
  bitrate: number;
  /** Packets arrived recently. */
  active: boolean;
}

const DEFAULT_TOP = { width: 1280, height: 720 };

/** Width/height of each layer, filling unknown ones by halving from the layer above. */
export function layerDimensions(layers: readonly LayerInfo[]): Array<{ width: number; height: number }> {
  const n = layers.length;
  const out = layers.map((l) => ({ width: l.width, height: l.height }));
  let top = -1;
  for (let i = n - 1; i >= 0; i--) if (out[i]!.width > 0) { top = i; break; }
  if (top < 0) {
    out[n - 1] = { ...DEFAULT_TOP };
    top = n - 1;
  }
  for (let i = top - 1; i >= 0; i--) {
    if (out[i]!.width === 0) out[i] = { width: out[i + 1]!.width >> 1, height: out[i + 1]!.height >> 1 };
  }
  for (let i = top + 1; i < n; i++) {
    if (out[i]!.width === 0) out[i] = { width: out[i - 1]!.width * 2, height: out[i - 1]!.height * 2 };
  }
  return out;
}

/**
 * The smallest layer at least as large as the render size (10% tolerance), or the top layer.
 * No size given: the top layer.
 */
export function desiredLayerForSize(layers: readonly LayerInfo[], maxWidth?: number, maxHeight?: number): number {
  const n = layers.length;
  if (n === 0) return 0;
  if (maxWidth === undefined && maxHeight === undefined) return n - 1;
  const dims = layerDimensions(layers);
  const w = (maxWidth ?? 0) * 0.9;
  const h = (maxHeight ?? 0) * 0.9;
  for (let i = 0; i < n; i++) {
    if (dims[i]!.width >= w && dims[i]!.height >= h) return i;
  }
  return n - 1;
}

/** The desired layer if active, else the highest active below it, else the lowest active above. */
export function nearestActiveLayer(layers: readonly LayerInfo[], desired: number): number {
  if (layers[desired]?.active) return desired;
  for (let i = desired - 1; i >= 0; i--) if (layers[i]!.active) return i;
  for (let i = desired + 1; i < layers.length; i++) if (layers[i]!.active) return i;
  return desired;
}

/** Bitrate to assume for a layer that is not flowing (≈0.1 bit per pixel at 30 fps). */
export function layerBitrate(layers: readonly LayerInfo[], i: number): number {
  const l = layers[i]!;
  if (l.bitrate > 0) return l.bitrate;
  const d = layerDimensions(layers)[i]!;
  return d.width * d.height * 3;
}

export interface AllocationRequest {
  layers: readonly LayerInfo[];
  /** Layer wanted for the render size. */
  desired: number;
}

/**
 * Fits a subscriber's video subscriptions into `budget` bit/s: every one starts at its lowest
 * active layer, then each is raised one layer at a time, round robin, while the total fits and
 * it stays at or below its desired layer. Returns a target layer per request.
 */
export function allocateLayers(requests: readonly AllocationRequest[], budget: number): number[] {
  const targets = requests.map((r) => {
    const top = nearestActiveLayer(r.layers, r.desired);
    let low = top;
    for (let i = 0; i < top; i++) if (r.layers[i]!.active) { low = i; break; }
    return low;
  });
  if (!Number.isFinite(budget)) return requests.map((r) => nearestActiveLayer(r.layers, r.desired));
  let total = 0;
  requests.forEach((r, k) => (total += layerBitrate(r.layers, targets[k]!)));
  let changed = true;
  while (changed) {
    changed = false;
    for (let k = 0; k < requests.length; k++) {
      const r = requests[k]!;
      const cap = nearestActiveLayer(r.layers, r.desired);
      let next = -1;
      for (let i = targets[k]! + 1; i <= cap; i++) if (r.layers[i]!.active) { next = i; break; }
      if (next < 0) continue;
      const delta = layerBitrate(r.layers, next) - layerBitrate(r.layers, targets[k]!);
      if (total + delta <= budget) {
        targets[k] = next;
        total += delta;
        changed = true;
      }
    }
  }
  return targets;
}

/**
 * A subscriber's downlink budget from its receiver reports (loss) and REMB.
 * Unconstrained (Infinity) until loss or REMB says otherwise; then it decreases on loss above
 * 10% or on a REMB below what is being sent, and grows 8% per second while loss stays under 2%,
 * which lets the allocator try the next layer up.
 */
export class DownlinkEstimator {
  budget = Infinity;
  private loss = 0;
  private lossAt = 0;
  private remb = 0;
  private rembAt = 0;
  private lastUpdate = 0;

  onLoss(fraction: number, nowMs: number): void {
    this.loss = this.lossAt === 0 ? fraction : this.loss * 0.5 + fraction * 0.5;
    this.lossAt = nowMs;
  }

  onRemb(bitrate: number, nowMs: number): void {
    this.remb = bitrate;
    this.rembAt = nowMs;
  }

  get lossFraction(): number {
    return this.loss;
  }

  /** Updates the budget given what is being sent now (bit/s). */
  update(nowMs: number, sentBitrate: number): number {
    const dt = this.lastUpdate === 0 ? 0 : Math.min(5, (nowMs - this.lastUpdate) / 1000);
    this.lastUpdate = nowMs;
    const lossFresh = this.lossAt > 0 && nowMs - this.lossAt < 5000;
    const rembFresh = this.rembAt > 0 && nowMs - this.rembAt < 5000;
    if (lossFresh && this.loss > 0.1 && sentBitrate > 0) {
      this.budget = Math.min(this.budget, sentBitrate * (1 - 0.5 * this.loss));
    } else if (rembFresh && sentBitrate > 0 && this.remb < sentBitrate * 0.9) {
      this.budget = Math.min(this.budget, this.remb);
    } else if (Number.isFinite(this.budget) && (!lossFresh || this.loss < 0.02)) {
      this.budget *= 1.08 ** dt;
      if (this.budget > Math.max(sentBitrate * 4, 20_000_000)) this.budget = Infinity;
    }
    return this.budget;
  }
}
