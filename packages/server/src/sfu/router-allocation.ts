/**
 * Glue between the pure layer-selection functions and live objects: per subscriber, pick each
 * video subscription's layer; per published track, report the layers somebody needs (dynacast).
 */
import {
  allocateLayers,
  desiredLayerForSize,
  type AllocationRequest,
  type LayerInfo,
} from './layer-selection.js';
import type { PublishedTrack } from './published-track.js';
import type { SubscriberTransport } from './subscriber-transport.js';
import type { RouterEvents } from './types.js';

export function layerInfos(track: PublishedTrack, nowMs: number, assumeActive = false): LayerInfo[] {
  return track.layers.map((l) => ({
    width: l.width,
    height: l.height,
    bitrate: l.bitrate,
    active: assumeActive || l.isActive(nowMs),
  }));
}

/**
 * Chooses the layers of a subscriber's video subscriptions. `measure` also updates the downlink
 * estimate (periodic tick); without it the last budget is reused (on subscription changes).
 */
export function allocateSubscriber(transport: SubscriberTransport, nowMs: number, measure: boolean): void {
  const budget = measure ? transport.updateBudget(nowMs) : transport.estimator.budget;
  const dts = [];
  const real: AllocationRequest[] = [];
  const ideal: AllocationRequest[] = [];
  for (const slot of transport.slots) {
    const dt = slot.downtrack;
    if (!dt || dt.closed || dt.source.kind !== 'video' || dt.options.paused) continue;
    const layers = layerInfos(dt.source, nowMs);
    const desired = desiredLayerForSize(layers, dt.options.maxWidth, dt.options.maxHeight);
    dts.push(dt);
    real.push({ layers, desired });
    ideal.push({ layers: layerInfos(dt.source, nowMs, true), desired });
  }
  if (dts.length === 0) return;
  const targets = allocateLayers(real, budget);
  const wanted = allocateLayers(ideal, budget);
  dts.forEach((dt, i) => {
    dt.wanted = wanted[i]!;
    dt.setLayers(real[i]!.desired, targets[i]!);
  });
}

/** Emits `layersNeeded` when the set of layers of a video track that somebody needs changes. */
export function updateLayersNeeded(track: PublishedTrack, emit: (e: RouterEvents['layersNeeded']) => void): void {
  if (track.kind !== 'video' || track.closed) return;
  const needed = new Set<number>();
  for (const dt of track.downtracks) {
    if (dt.closed || dt.options.paused) continue;
    needed.add(dt.wanted);
    if (dt.current >= 0) needed.add(dt.current);
  }
  const rids = [...needed].sort((a, b) => a - b).map((i) => track.layers[i]?.rid ?? '');
  const key = rids.join(',');
  if (key === track.layersNeededKey) return;
  track.layersNeededKey = key;
  emit({ trackId: track.trackId, endpointId: track.endpointId, rids });
}
