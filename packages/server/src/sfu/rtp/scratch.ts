/**
 * One scratch buffer for building outgoing packets. Safe because the SFU is single-threaded and
 * Track.sendMessageBinary copies the bytes before returning. Views of each length are created
 * once, so sending allocates nothing after warm-up.
 */
export const SCRATCH_SIZE = 2048;
const scratch = Buffer.alloc(SCRATCH_SIZE);
const views: Array<Buffer | undefined> = new Array<Buffer | undefined>(SCRATCH_SIZE + 1).fill(undefined);

/** Copies `packet` into the scratch buffer and returns the view of its length (undefined if too long). */
export function copyToScratch(packet: Uint8Array): Buffer | undefined {
  const len = packet.length;
  if (len > SCRATCH_SIZE) return undefined;
  scratch.set(packet, 0);
  let v = views[len];
  if (v === undefined) {
    v = scratch.subarray(0, len);
    views[len] = v;
  }
  return v;
}
