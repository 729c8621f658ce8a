/**
 * RTP packets of the synthetic sources, written in one allocation each (header, one-byte header
 * extensions, payload). RTCP builders and parsers are the SFU's own (packages/server/src/sfu/rtp).
 */

/** Header extension ids the synthetic publishers declare in their offers. */
export const EXT = { audioLevel: 1, mid: 4, rid: 10 } as const;

/** Largest RTP packet sent: like Chromium, under the 1220-byte Track limit of node-datachannel. */
export const MAX_PACKET_BYTES = 1200;

const FILLER = Buffer.alloc(MAX_PACKET_BYTES, 0x5a);

export interface RtpFields {
  payloadType: number;
  seq: number;
  timestamp: number;
  ssrc: number;
  marker: boolean;
  /** One-byte-header extension: id and data (1..16 bytes each). */
  ext1?: { id: number; data: Uint8Array | number };
  payloadBytes: number;
}

/** Size of the header extension block for one element of `dataLength` bytes. */
function extBlockBytes(dataLength: number): number {
  return 4 + Math.ceil((1 + dataLength) / 4) * 4;
}

/**
 * Writes an RTP packet whose payload is filler; returns it with the payload's offset so the caller
 * can write a codec descriptor at the start of the payload.
 */
export function writeRtp(f: RtpFields): { packet: Buffer; payloadOffset: number } {
  const extLen = f.ext1 ? (typeof f.ext1.data === 'number' ? 1 : f.ext1.data.length) : 0;
  const ext = f.ext1 ? extBlockBytes(extLen) : 0;
  const packet = Buffer.allocUnsafe(12 + ext + f.payloadBytes);
  packet[0] = 0x80 | (f.ext1 ? 0x10 : 0);
  packet[1] = (f.marker ? 0x80 : 0) | (f.payloadType & 0x7f);
  packet.writeUInt16BE(f.seq & 0xffff, 2);
  packet.writeUInt32BE(f.timestamp >>> 0, 4);
  packet.writeUInt32BE(f.ssrc >>> 0, 8);
  let p = 12;
  if (f.ext1) {
    packet[p] = 0xbe;
    packet[p + 1] = 0xde;
    packet.writeUInt16BE((ext - 4) / 4, p + 2);
    packet.fill(0, p + 4, p + ext);
    packet[p + 4] = (f.ext1.id << 4) | (extLen - 1);
    if (typeof f.ext1.data === 'number') packet[p + 5] = f.ext1.data;
    else packet.set(f.ext1.data, p + 5);
    p += ext;
  }
  FILLER.copy(packet, p, 0, f.payloadBytes);
  return { packet, payloadOffset: p };
}

/**
 * Writes a VP8 payload descriptor (RFC 7741: X, I with a 15-bit PictureID, L with TL0PICIDX) at
 * `offset`, and on the first packet of a frame the VP8 frame tag (and for a key frame the start
 * code and size, RFC 6386 §9.1). Returns the descriptor length.
 */
export function writeVp8Descriptor(
  buf: Buffer,
  offset: number,
  d: { frameStart: boolean; keyframe: boolean; pictureId: number; tl0PicIdx: number; width: number; height: number },
): number {
  buf[offset] = 0x80 | (d.frameStart ? 0x10 : 0);
  buf[offset + 1] = 0x80 | 0x40;
  buf[offset + 2] = 0x80 | ((d.pictureId >> 8) & 0x7f);
  buf[offset + 3] = d.pictureId & 0xff;
  buf[offset + 4] = d.tl0PicIdx & 0xff;
  const p = offset + VP8_DESCRIPTOR_BYTES;
  if (d.frameStart) {
    buf[p] = d.keyframe ? 0x10 : 0x11; // show_frame, P bit (0 = key frame)
    buf[p + 1] = 0;
    buf[p + 2] = 0;
    if (d.keyframe) {
      buf[p + 3] = 0x9d;
      buf[p + 4] = 0x01;
      buf[p + 5] = 0x2a;
      buf.writeUInt16LE(d.width & 0x3fff, p + 6);
      buf.writeUInt16LE(d.height & 0x3fff, p + 8);
    }
  }
  return VP8_DESCRIPTOR_BYTES;
}

export const VP8_DESCRIPTOR_BYTES = 5;
/** A key frame's first packet carries 10 bytes of VP8 header after the descriptor. */
export const VP8_KEYFRAME_HEADER_BYTES = 10;
