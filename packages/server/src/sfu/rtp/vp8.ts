/**
 * VP8 RTP payload descriptor (RFC 7741 §4.2) and key frame header (RFC 6386 §9.1).
 * Parses into a reusable {@link Vp8Descriptor}; never throws, never allocates.
 */

export class Vp8Descriptor {
  /** First packet of a frame (S=1 and partition index 0). */
  frameStart = false;
  /** First packet of a key frame. */
  keyframe = false;
  /** PictureID, or -1 when absent. */
  pictureId = -1;
  /** 7 or 15 when present, else 0. */
  pictureIdBits = 0;
  /** Absolute offset of the PictureID field in the packet, or -1. */
  pictureIdOffset = -1;
  /** TL0PICIDX, or -1 when absent. */
  tl0PicIdx = -1;
  tl0PicIdxOffset = -1;
  /** Temporal layer id, or -1 when absent. */
  temporalId = -1;
  /** Key frame dimensions (0 when not a key frame start or truncated). */
  width = 0;
  height = 0;
}

/**
 * Parses the VP8 payload descriptor found at `buf[offset .. offset+length)`.
 * Returns false when the descriptor is truncated.
 */
export function parseVp8(buf: Uint8Array, offset: number, length: number, out: Vp8Descriptor): boolean {
  out.frameStart = false;
  out.keyframe = false;
  out.pictureId = -1;
  out.pictureIdBits = 0;
  out.pictureIdOffset = -1;
  out.tl0PicIdx = -1;
  out.tl0PicIdxOffset = -1;
  out.temporalId = -1;
  out.width = 0;
  out.height = 0;
  if (length < 1) return false;
  const end = offset + length;
  let p = offset;
  const b0 = buf[p++]!;
  const start = (b0 & 0x10) !== 0 && (b0 & 0x0f) === 0;
  if (b0 & 0x80) {
    if (p >= end) return false;
    const x = buf[p++]!;
    if (x & 0x80) {
      // I: PictureID
      if (p >= end) return false;
      const m = buf[p]!;
      out.pictureIdOffset = p;
      if (m & 0x80) {
        if (p + 1 >= end) return false;
        out.pictureId = ((m & 0x7f) << 8) | buf[p + 1]!;
        out.pictureIdBits = 15;
        p += 2;
      } else {
        out.pictureId = m & 0x7f;
        out.pictureIdBits = 7;
        p += 1;
      }
    }
    if (x & 0x40) {
      // L: TL0PICIDX
      if (p >= end) return false;
      out.tl0PicIdxOffset = p;
      out.tl0PicIdx = buf[p++]!;
    }
    if (x & 0x30) {
      // T or K: TID/Y/KEYIDX byte
      if (p >= end) return false;
      if (x & 0x20) out.temporalId = buf[p]! >> 6;
      p++;
    }
  }
  out.frameStart = start;
  if (start && p < end) {
    const tag = buf[p]!;
    if ((tag & 0x01) === 0) {
      out.keyframe = true;
      // 3-byte frame tag, 3-byte start code 9d 01 2a, then 2 bytes width, 2 bytes height (LE, 14 bits).
      if (p + 10 <= end && buf[p + 3] === 0x9d && buf[p + 4] === 0x01 && buf[p + 5] === 0x2a) {
        out.width = (buf[p + 6]! | (buf[p + 7]! << 8)) & 0x3fff;
        out.height = (buf[p + 8]! | (buf[p + 9]! << 8)) & 0x3fff;
      }
    }
  } else if (start) {
    return false;
  }
  return true;
}

/** Writes a PictureID in place, keeping the field width found in the packet. */
export function writeVp8PictureId(buf: Uint8Array, d: Vp8Descriptor, pictureId: number): void {
  if (d.pictureIdOffset < 0) return;
  if (d.pictureIdBits === 15) {
    buf[d.pictureIdOffset] = 0x80 | ((pictureId >> 8) & 0x7f);
    buf[d.pictureIdOffset + 1] = pictureId & 0xff;
  } else {
    buf[d.pictureIdOffset] = pictureId & 0x7f;
  }
}

/** Writes TL0PICIDX in place. */
export function writeVp8Tl0PicIdx(buf: Uint8Array, d: Vp8Descriptor, tl0: number): void {
  if (d.tl0PicIdxOffset >= 0) buf[d.tl0PicIdxOffset] = tl0 & 0xff;
}

/** Builds a VP8 payload (descriptor + payload header) for synthetic streams and tests. */
export function buildVp8Payload(opts: {
  keyframe: boolean;
  frameStart: boolean;
  pictureId: number;
  tl0PicIdx?: number;
  width?: number;
  height?: number;
  size: number;
}): Buffer {
  const hasTl0 = opts.tl0PicIdx !== undefined;
  const descLen = 1 + 1 + 2 + (hasTl0 ? 1 : 0);
  const buf = Buffer.alloc(Math.max(opts.size, descLen + 10));
  buf[0] = 0x80 | (opts.frameStart ? 0x10 : 0);
  buf[1] = 0x80 | (hasTl0 ? 0x40 : 0);
  buf[2] = 0x80 | ((opts.pictureId >> 8) & 0x7f);
  buf[3] = opts.pictureId & 0xff;
  let p = 4;
  if (hasTl0) buf[p++] = opts.tl0PicIdx! & 0xff;
  if (opts.frameStart) {
    buf[p] = opts.keyframe ? 0x10 : 0x11; // show_frame=1, P bit = keyframe ? 0 : 1
    if (opts.keyframe) {
      buf[p + 3] = 0x9d;
      buf[p + 4] = 0x01;
      buf[p + 5] = 0x2a;
      buf.writeUInt16LE((opts.width ?? 0) & 0x3fff, p + 6);
      buf.writeUInt16LE((opts.height ?? 0) & 0x3fff, p + 8);
    }
  }
  return buf;
}
