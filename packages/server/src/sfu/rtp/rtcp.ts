/**
 * RTCP parsing (compound packets, RFC 3550 §6, RFC 4585, RFC 5104, draft-alvestrand-rmcat-remb)
 * and builders for the feedback the SFU sends. Parsing never throws: a malformed packet stops
 * the walk and the function returns false; elements visited before it stay visited.
 */

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const RTCP_RTPFB = 205;
export const RTCP_PSFB = 206;

/** One reception report block; the parser reuses a single instance. */
export class ReportBlock {
  ssrc = 0;
  /** Fraction lost since the previous report, 0..1. */
  fractionLost = 0;
  cumulativeLost = 0;
  highestSeq = 0;
  jitter = 0;
  lastSr = 0;
  delaySinceLastSr = 0;
}

export interface RtcpVisitor {
  senderReport?(ssrc: number, ntpSec: number, ntpFrac: number, rtpTimestamp: number, packets: number, octets: number): void;
  reportBlock?(reporterSsrc: number, block: ReportBlock): void;
  pli?(senderSsrc: number, mediaSsrc: number): void;
  fir?(senderSsrc: number, mediaSsrc: number, seqNr: number): void;
  /** One generic NACK FCI entry: packet `pid` and bitmask `blp` of the 16 following. */
  nack?(senderSsrc: number, mediaSsrc: number, pid: number, blp: number): void;
  remb?(senderSsrc: number, bitrate: number, ssrcs: number[]): void;
}

const sharedBlock = new ReportBlock();

function u32(buf: Uint8Array, p: number): number {
  return ((buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!) >>> 0;
}

function readBlocks(buf: Uint8Array, p: number, count: number, end: number, reporter: number, v: RtcpVisitor): boolean {
  for (let i = 0; i < count; i++) {
    if (p + 24 > end) return false;
    if (v.reportBlock) {
      const b = sharedBlock;
      b.ssrc = u32(buf, p);
      b.fractionLost = buf[p + 4]! / 256;
      b.cumulativeLost = (((buf[p + 5]! << 16) | (buf[p + 6]! << 8) | buf[p + 7]!) << 8) >> 8;
      b.highestSeq = u32(buf, p + 8);
      b.jitter = u32(buf, p + 12);
      b.lastSr = u32(buf, p + 16);
      b.delaySinceLastSr = u32(buf, p + 20);
      v.reportBlock(reporter, b);
    }
    p += 24;
  }
  return true;
}

/** Walks every packet of a compound RTCP datagram. */
export function parseRtcp(buf: Uint8Array, v: RtcpVisitor): boolean {
  let p = 0;
  const len = buf.length;
  if (len < 4) return false;
  while (p + 4 <= len) {
    const b0 = buf[p]!;
    if (b0 >> 6 !== 2) return false;
    const count = b0 & 0x1f;
    const pt = buf[p + 1]!;
    const size = (((buf[p + 2]! << 8) | buf[p + 3]!) + 1) * 4;
    const end = p + size;
    if (end > len) return false;
    switch (pt) {
      case RTCP_SR: {
        if (size < 28) return false;
        const ssrc = u32(buf, p + 4);
        v.senderReport?.(ssrc, u32(buf, p + 8), u32(buf, p + 12), u32(buf, p + 16), u32(buf, p + 20), u32(buf, p + 24));
        if (!readBlocks(buf, p + 28, count, end, ssrc, v)) return false;
        break;
      }
      case RTCP_RR: {
        if (size < 8) return false;
        if (!readBlocks(buf, p + 8, count, end, u32(buf, p + 4), v)) return false;
        break;
      }
      case RTCP_RTPFB: {
        if (size < 12) return false;
        const sender = u32(buf, p + 4);
        const media = u32(buf, p + 8);
        if (count === 1 && v.nack) {
          for (let q = p + 12; q + 4 <= end; q += 4) {
            v.nack(sender, media, (buf[q]! << 8) | buf[q + 1]!, (buf[q + 2]! << 8) | buf[q + 3]!);
          }
        }
        break;
      }
      case RTCP_PSFB: {
        if (size < 12) return false;
        const sender = u32(buf, p + 4);
        const media = u32(buf, p + 8);
        if (count === 1) v.pli?.(sender, media);
        else if (count === 4) {
          for (let q = p + 12; q + 8 <= end; q += 8) v.fir?.(sender, u32(buf, q), buf[q + 4]!);
        } else if (count === 15 && size >= 20 && buf[p + 12] === 0x52 && buf[p + 13] === 0x45 && buf[p + 14] === 0x4d && buf[p + 15] === 0x42) {
          const n = buf[p + 16]!;
          const exp = buf[p + 17]! >> 2;
          const mantissa = ((buf[p + 17]! & 0x03) << 16) | (buf[p + 18]! << 8) | buf[p + 19]!;
          if (20 + n * 4 > size) return false;
          if (v.remb) {
            const ssrcs: number[] = [];
            for (let i = 0; i < n; i++) ssrcs.push(u32(buf, p + 20 + i * 4));
            v.remb(sender, mantissa * 2 ** exp, ssrcs);
          }
        }
        break;
      }
      default:
        break; // SDES, BYE, APP, XR: ignored
    }
    p = end;
  }
  return p === len;
}

/** Expands one NACK FCI entry into sequence numbers. */
export function forEachNackedSeq(pid: number, blp: number, fn: (seq: number) => void): void {
  fn(pid & 0xffff);
  for (let i = 0; i < 16; i++) if (blp & (1 << i)) fn((pid + i + 1) & 0xffff);
}

function header(buf: Buffer, count: number, pt: number): void {
  buf[0] = 0x80 | (count & 0x1f);
  buf[1] = pt;
  buf.writeUInt16BE(buf.length / 4 - 1, 2);
}

export function buildPli(senderSsrc: number, mediaSsrc: number): Buffer {
  const buf = Buffer.alloc(12);
  header(buf, 1, RTCP_PSFB);
  buf.writeUInt32BE(senderSsrc >>> 0, 4);
  buf.writeUInt32BE(mediaSsrc >>> 0, 8);
  return buf;
}

export function buildFir(senderSsrc: number, mediaSsrc: number, seqNr: number): Buffer {
  const buf = Buffer.alloc(20);
  header(buf, 4, RTCP_PSFB);
  buf.writeUInt32BE(senderSsrc >>> 0, 4);
  buf.writeUInt32BE(mediaSsrc >>> 0, 12);
  buf[16] = seqNr & 0xff;
  return buf;
}

/** Generic NACK for the given sequence numbers (packed into pid/blp pairs). */
export function buildNack(senderSsrc: number, mediaSsrc: number, seqs: readonly number[]): Buffer {
  const sorted = [...new Set(seqs.map((s) => s & 0xffff))];
  // Sort in sequence order relative to the first one (handles wrap-around).
  const base = sorted[0] ?? 0;
  sorted.sort((a, b) => ((a - base) & 0xffff) - ((b - base) & 0xffff));
  const pairs: Array<[number, number]> = [];
  for (const s of sorted) {
    const last = pairs[pairs.length - 1];
    const d = last ? (s - last[0]) & 0xffff : 0;
    if (last && d >= 1 && d <= 16) last[1] |= 1 << (d - 1);
    else pairs.push([s, 0]);
  }
  const buf = Buffer.alloc(12 + pairs.length * 4);
  header(buf, 1, RTCP_RTPFB);
  buf.writeUInt32BE(senderSsrc >>> 0, 4);
  buf.writeUInt32BE(mediaSsrc >>> 0, 8);
  pairs.forEach(([pid, blp], i) => {
    buf.writeUInt16BE(pid, 12 + i * 4);
    buf.writeUInt16BE(blp, 14 + i * 4);
  });
  return buf;
}

export function buildRemb(senderSsrc: number, bitrate: number, ssrcs: readonly number[]): Buffer {
  const buf = Buffer.alloc(20 + ssrcs.length * 4);
  header(buf, 15, RTCP_PSFB);
  buf.writeUInt32BE(senderSsrc >>> 0, 4);
  buf.write('REMB', 12, 'latin1');
  let mantissa = Math.max(0, Math.floor(bitrate));
  let exp = 0;
  while (mantissa >= 1 << 18) {
    mantissa = Math.floor(mantissa / 2);
    exp++;
  }
  buf[16] = ssrcs.length;
  buf[17] = (exp << 2) | (mantissa >> 16);
  buf[18] = (mantissa >> 8) & 0xff;
  buf[19] = mantissa & 0xff;
  ssrcs.forEach((s, i) => buf.writeUInt32BE(s >>> 0, 20 + i * 4));
  return buf;
}

export interface ReportBlockInit {
  ssrc: number;
  fractionLost: number;
  cumulativeLost: number;
  highestSeq: number;
  jitter: number;
  lastSr: number;
  delaySinceLastSr: number;
}

function writeBlock(buf: Buffer, p: number, b: ReportBlockInit): void {
  buf.writeUInt32BE(b.ssrc >>> 0, p);
  buf[p + 4] = Math.max(0, Math.min(255, Math.floor(b.fractionLost * 256)));
  const lost = Math.max(-0x800000, Math.min(0x7fffff, Math.trunc(b.cumulativeLost))) & 0xffffff;
  buf[p + 5] = lost >> 16;
  buf[p + 6] = (lost >> 8) & 0xff;
  buf[p + 7] = lost & 0xff;
  buf.writeUInt32BE(b.highestSeq >>> 0, p + 8);
  buf.writeUInt32BE(b.jitter >>> 0, p + 12);
  buf.writeUInt32BE(b.lastSr >>> 0, p + 16);
  buf.writeUInt32BE(b.delaySinceLastSr >>> 0, p + 20);
}

export function buildReceiverReport(senderSsrc: number, blocks: readonly ReportBlockInit[]): Buffer {
  const n = Math.min(31, blocks.length);
  const buf = Buffer.alloc(8 + n * 24);
  header(buf, n, RTCP_RR);
  buf.writeUInt32BE(senderSsrc >>> 0, 4);
  for (let i = 0; i < n; i++) writeBlock(buf, 8 + i * 24, blocks[i]!);
  return buf;
}

export function buildSenderReport(
  ssrc: number,
  ntpSec: number,
  ntpFrac: number,
  rtpTimestamp: number,
  packets: number,
  octets: number,
): Buffer {
  const buf = Buffer.alloc(28);
  header(buf, 0, RTCP_SR);
  buf.writeUInt32BE(ssrc >>> 0, 4);
  buf.writeUInt32BE(ntpSec >>> 0, 8);
  buf.writeUInt32BE(ntpFrac >>> 0, 12);
  buf.writeUInt32BE(rtpTimestamp >>> 0, 16);
  buf.writeUInt32BE(packets >>> 0, 20);
  buf.writeUInt32BE(octets >>> 0, 24);
  return buf;
}

/** NTP time (RFC 5905) for a wall-clock time in ms. */
export function ntpFromMs(ms: number): { sec: number; frac: number } {
  const sec = Math.floor(ms / 1000) + 2208988800;
  const frac = Math.floor(((ms % 1000) / 1000) * 0x100000000);
  return { sec: sec >>> 0, frac: frac >>> 0 };
}

/** Middle 32 bits of an NTP timestamp, as used in LSR. */
export function ntpMiddle(sec: number, frac: number): number {
  return (((sec & 0xffff) << 16) | (frac >>> 16)) >>> 0;
}
