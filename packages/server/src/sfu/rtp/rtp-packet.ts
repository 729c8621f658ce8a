/**
 * RTP header parsing and in-place rewriting (RFC 3550, header extensions RFC 8285).
 *
 * Everything here works on a Uint8Array without allocating: the parsed header goes into a
 * caller-owned {@link RtpHeader} that is reused packet after packet. No function throws on
 * malformed input; parse functions return false instead.
 */

/** Parsed view of one RTP packet's header. Reuse one instance per hot path. */
export class RtpHeader {
  marker = false;
  payloadType = 0;
  sequenceNumber = 0;
  timestamp = 0;
  ssrc = 0;
  /** Offset of the first extension element (after the 4-byte extension header); 0 if none. */
  extensionOffset = 0;
  /** Length in bytes of the extension elements area (excluding its 4-byte header). */
  extensionLength = 0;
  /** 1 = one-byte header (0xBEDE), 2 = two-byte header (0x100X), 0 = none or unknown profile. */
  extensionForm = 0;
  /** Offset of the payload. */
  payloadOffset = 0;
  /** Payload length, padding excluded. */
  payloadLength = 0;
  /** Total packet length. */
  length = 0;
}

/** RTCP packet types live in 192..223 of the second byte's low 7 bits + marker (RFC 5761 §4). */
export function isRtcp(buf: Uint8Array): boolean {
  if (buf.length < 2) return false;
  const pt = buf[1]!;
  return pt >= 192 && pt <= 223;
}

/** Parses the RTP header of `buf` into `out`. Returns false when the packet is malformed. */
export function parseRtpHeader(buf: Uint8Array, out: RtpHeader): boolean {
  const len = buf.length;
  if (len < 12) return false;
  const b0 = buf[0]!;
  if (b0 >> 6 !== 2) return false;
  const b1 = buf[1]!;
  const pt = b1 & 0x7f;
  if (pt >= 64 && pt <= 95) return false; // RTCP range (RFC 5761)
  let offset = 12 + (b0 & 0x0f) * 4;
  if (offset > len) return false;
  out.extensionOffset = 0;
  out.extensionLength = 0;
  out.extensionForm = 0;
  if (b0 & 0x10) {
    if (offset + 4 > len) return false;
    const profile = (buf[offset]! << 8) | buf[offset + 1]!;
    const words = (buf[offset + 2]! << 8) | buf[offset + 3]!;
    const extLen = words * 4;
    if (offset + 4 + extLen > len) return false;
    if (profile === 0xbede) out.extensionForm = 1;
    else if ((profile & 0xfff0) === 0x1000) out.extensionForm = 2;
    out.extensionOffset = offset + 4;
    out.extensionLength = extLen;
    offset += 4 + extLen;
  }
  let padding = 0;
  if (b0 & 0x20) {
    padding = buf[len - 1]!;
    if (padding === 0 || offset + padding > len) return false;
  }
  out.marker = (b1 & 0x80) !== 0;
  out.payloadType = pt;
  out.sequenceNumber = (buf[2]! << 8) | buf[3]!;
  out.timestamp = ((buf[4]! << 24) | (buf[5]! << 16) | (buf[6]! << 8) | buf[7]!) >>> 0;
  out.ssrc = ((buf[8]! << 24) | (buf[9]! << 16) | (buf[10]! << 8) | buf[11]!) >>> 0;
  out.payloadOffset = offset;
  out.payloadLength = len - offset - padding;
  out.length = len;
  return true;
}

/**
 * Finds header extension `id` and returns `(offset << 8) | length` of its data, or -1.
 * Packed into one number so the hot path allocates nothing.
 */
export function findExtension(buf: Uint8Array, h: RtpHeader, id: number): number {
  if (id <= 0 || h.extensionForm === 0) return -1;
  let p = h.extensionOffset;
  const end = p + h.extensionLength;
  if (h.extensionForm === 1) {
    while (p < end) {
      const b = buf[p]!;
      if (b === 0) {
        p++;
        continue;
      }
      const eid = b >> 4;
      if (eid === 15) return -1; // reserved: stop parsing (RFC 8285 §4.2)
      const l = (b & 0x0f) + 1;
      if (p + 1 + l > end) return -1;
      if (eid === id) return ((p + 1) << 8) | l;
      p += 1 + l;
    }
    return -1;
  }
  while (p < end) {
    const eid = buf[p]!;
    if (eid === 0) {
      p++;
      continue;
    }
    if (p + 2 > end) return -1;
    const l = buf[p + 1]!;
    if (p + 2 + l > end) return -1;
    if (eid === id) return ((p + 2) << 8) | l;
    p += 2 + l;
  }
  return -1;
}

/** Reads extension `id` as an ASCII string (rtp-stream-id, mid). Allocates; use off the hot path. */
export function readExtensionString(buf: Uint8Array, h: RtpHeader, id: number): string | undefined {
  const found = findExtension(buf, h, id);
  if (found < 0) return undefined;
  const off = found >> 8;
  const len = found & 0xff;
  let s = '';
  for (let i = 0; i < len; i++) {
    const c = buf[off + i]!;
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/**
 * Rewrites header extension ids in place following `map` (index = incoming id, value = outgoing
 * id, 0 = drop). Dropped elements become padding bytes, so the packet keeps its size.
 */
export function remapExtensions(buf: Uint8Array, h: RtpHeader, map: Uint8Array): void {
  if (h.extensionForm === 0) return;
  let p = h.extensionOffset;
  const end = p + h.extensionLength;
  if (h.extensionForm === 1) {
    while (p < end) {
      const b = buf[p]!;
      if (b === 0) {
        p++;
        continue;
      }
      const eid = b >> 4;
      if (eid === 15) {
        buf.fill(0, p, end);
        return;
      }
      const l = (b & 0x0f) + 1;
      if (p + 1 + l > end) {
        buf.fill(0, p, end);
        return;
      }
      const nid = map[eid]!;
      if (nid === 0) buf.fill(0, p, p + 1 + l);
      else buf[p] = (nid << 4) | (b & 0x0f);
      p += 1 + l;
    }
    return;
  }
  while (p < end) {
    const eid = buf[p]!;
    if (eid === 0) {
      p++;
      continue;
    }
    if (p + 2 > end) {
      buf.fill(0, p, end);
      return;
    }
    const l = buf[p + 1]!;
    if (p + 2 + l > end) {
      buf.fill(0, p, end);
      return;
    }
    const nid = eid < map.length ? map[eid]! : 0;
    if (nid === 0) buf.fill(0, p, p + 2 + l);
    else buf[p] = nid;
    p += 2 + l;
  }
}

/** Writes payload type (keeping the marker bit), sequence number, timestamp and SSRC in place. */
export function writeRtpHeaderFields(
  buf: Uint8Array,
  payloadType: number,
  seq: number,
  timestamp: number,
  ssrc: number,
): void {
  buf[1] = (buf[1]! & 0x80) | (payloadType & 0x7f);
  buf[2] = (seq >> 8) & 0xff;
  buf[3] = seq & 0xff;
  buf[4] = (timestamp >>> 24) & 0xff;
  buf[5] = (timestamp >>> 16) & 0xff;
  buf[6] = (timestamp >>> 8) & 0xff;
  buf[7] = timestamp & 0xff;
  buf[8] = (ssrc >>> 24) & 0xff;
  buf[9] = (ssrc >>> 16) & 0xff;
  buf[10] = (ssrc >>> 8) & 0xff;
  buf[11] = ssrc & 0xff;
}

/** Signed distance a - b between two 16-bit sequence numbers, in -32768..32767. */
export function seqDiff(a: number, b: number): number {
  return (((a - b) & 0xffff) << 16) >> 16;
}

/** Signed distance a - b between two 32-bit timestamps. */
export function tsDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** Builds an RTP packet (tests, benchmark, synthetic peers). */
export function buildRtpPacket(opts: {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  marker?: boolean;
  /** One-byte-header extensions: id 1..14, data 1..16 bytes. */
  extensions?: ReadonlyArray<{ id: number; data: Uint8Array }>;
  payload: Uint8Array;
  padding?: number;
}): Buffer {
  const exts = opts.extensions ?? [];
  let extBytes = 0;
  for (const e of exts) extBytes += 1 + e.data.length;
  const extWords = Math.ceil(extBytes / 4);
  const extTotal = exts.length > 0 ? 4 + extWords * 4 : 0;
  const padding = opts.padding ?? 0;
  const buf = Buffer.alloc(12 + extTotal + opts.payload.length + padding);
  buf[0] = 0x80 | (exts.length > 0 ? 0x10 : 0) | (padding > 0 ? 0x20 : 0);
  buf[1] = (opts.marker ? 0x80 : 0) | (opts.payloadType & 0x7f);
  writeRtpHeaderFields(buf, opts.payloadType, opts.sequenceNumber & 0xffff, opts.timestamp >>> 0, opts.ssrc >>> 0);
  let p = 12;
  if (exts.length > 0) {
    buf[p] = 0xbe;
    buf[p + 1] = 0xde;
    buf.writeUInt16BE(extWords, p + 2);
    p += 4;
    for (const e of exts) {
      buf[p++] = (e.id << 4) | (e.data.length - 1);
      buf.set(e.data, p);
      p += e.data.length;
    }
    p = 12 + extTotal;
  }
  buf.set(opts.payload, p);
  if (padding > 0) buf[buf.length - 1] = padding;
  return buf;
}
