import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildRtpPacket,
  findExtension,
  isRtcp,
  parseRtpHeader,
  readExtensionString,
  remapExtensions,
  RtpHeader,
  seqDiff,
  tsDiff,
  writeRtpHeaderFields,
} from '../../src/sfu/rtp/rtp-packet.js';
import { buildVp8Payload, parseVp8, Vp8Descriptor, writeVp8PictureId, writeVp8Tl0PicIdx } from '../../src/sfu/rtp/vp8.js';
import { PacketCache } from '../../src/sfu/rtp/packet-cache.js';
import { StreamRewriter } from '../../src/sfu/rtp/stream-rewriter.js';
import { AudioLevelMeter, parseAudioLevel } from '../../src/sfu/rtp/audio-level.js';

const ascii = (s: string) => Buffer.from(s, 'latin1');

describe('RTP header', () => {
  it('parses fixed header fields', () => {
    const pkt = buildRtpPacket({ payloadType: 96, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, marker: true, payload: Buffer.from([1, 2, 3]) });
    const h = new RtpHeader();
    assert.equal(parseRtpHeader(pkt, h), true);
    assert.equal(h.payloadType, 96);
    assert.equal(h.marker, true);
    assert.equal(h.sequenceNumber, 65535);
    assert.equal(h.timestamp, 0xfffffff0);
    assert.equal(h.ssrc, 0xdeadbeef);
    assert.equal(h.payloadOffset, 12);
    assert.equal(h.payloadLength, 3);
    assert.equal(h.extensionForm, 0);
  });

  it('handles CSRCs, one-byte extensions and padding', () => {
    const pkt = buildRtpPacket({
      payloadType: 111,
      sequenceNumber: 7,
      timestamp: 960,
      ssrc: 1,
      extensions: [
        { id: 1, data: Buffer.from([0x85]) },
        { id: 10, data: ascii('h') },
      ],
      payload: Buffer.alloc(20, 9),
      padding: 4,
    });
    const h = new RtpHeader();
    assert.ok(parseRtpHeader(pkt, h));
    assert.equal(h.extensionForm, 1);
    assert.equal(h.payloadLength, 20);
    const lvl = findExtension(pkt, h, 1);
    assert.ok(lvl >= 0);
    assert.equal(pkt[lvl >> 8], 0x85);
    assert.equal(lvl & 0xff, 1);
    assert.equal(readExtensionString(pkt, h, 10), 'h');
    assert.equal(findExtension(pkt, h, 3), -1);

    // Add two CSRCs by hand: header grows by 8 bytes.
    const withCsrc = Buffer.concat([pkt.subarray(0, 12), Buffer.alloc(8, 0xaa), pkt.subarray(12)]);
    withCsrc[0] = (withCsrc[0]! & 0xf0) | 2;
    assert.ok(parseRtpHeader(withCsrc, h));
    assert.equal(h.payloadOffset, pkt.length - 24 + 8);
    assert.equal(readExtensionString(withCsrc, h, 10), 'h');
  });

  it('parses two-byte extensions', () => {
    const pkt = Buffer.from([
      0x90, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2,
      0x10, 0x00, 0, 2, // profile 0x1000, 2 words
      5, 3, 0x41, 0x42, 0x43, 0, 0, 0,
      0xff,
    ]);
    const h = new RtpHeader();
    assert.ok(parseRtpHeader(pkt, h));
    assert.equal(h.extensionForm, 2);
    assert.equal(readExtensionString(pkt, h, 5), 'ABC');
    const map = new Uint8Array(256);
    map[5] = 200;
    remapExtensions(pkt, h, map);
    assert.equal(readExtensionString(pkt, h, 200), 'ABC');
  });

  it('rejects malformed packets without throwing', () => {
    const h = new RtpHeader();
    assert.equal(parseRtpHeader(Buffer.alloc(0), h), false);
    assert.equal(parseRtpHeader(Buffer.alloc(11), h), false);
    const v1 = buildRtpPacket({ payloadType: 96, sequenceNumber: 1, timestamp: 1, ssrc: 1, payload: Buffer.alloc(4) });
    v1[0] = 0x40;
    assert.equal(parseRtpHeader(v1, h), false, 'version 1');
    const cc = buildRtpPacket({ payloadType: 96, sequenceNumber: 1, timestamp: 1, ssrc: 1, payload: Buffer.alloc(4) });
    cc[0] = 0x8f; // 15 CSRCs in a 16-byte packet
    assert.equal(parseRtpHeader(cc, h), false, 'CSRC overflow');
    const ext = buildRtpPacket({ payloadType: 96, sequenceNumber: 1, timestamp: 1, ssrc: 1, extensions: [{ id: 1, data: Buffer.from([1]) }], payload: Buffer.alloc(1) });
    ext.writeUInt16BE(100, 14); // extension claims 100 words
    assert.equal(parseRtpHeader(ext, h), false, 'extension overflow');
    const pad = buildRtpPacket({ payloadType: 96, sequenceNumber: 1, timestamp: 1, ssrc: 1, payload: Buffer.alloc(2), padding: 1 });
    pad[pad.length - 1] = 200;
    assert.equal(parseRtpHeader(pad, h), false, 'padding overflow');
    const rtcp = Buffer.from([0x80, 200, 0, 6, ...new Array(24).fill(0)]);
    assert.equal(parseRtpHeader(rtcp, h), false, 'RTCP is not RTP');
    assert.equal(isRtcp(rtcp), true);
    assert.equal(isRtcp(v1), false);
  });

  it('remaps extension ids in place and pads the dropped ones', () => {
    const pkt = buildRtpPacket({
      payloadType: 96,
      sequenceNumber: 1,
      timestamp: 1,
      ssrc: 1,
      extensions: [
        { id: 2, data: Buffer.from([1, 2, 3]) },
        { id: 4, data: ascii('0') },
        { id: 13, data: Buffer.from([7]) },
      ],
      payload: Buffer.alloc(10, 1),
    });
    const before = pkt.length;
    const h = new RtpHeader();
    assert.ok(parseRtpHeader(pkt, h));
    const map = new Uint8Array(256);
    map[2] = 2;
    map[13] = 4; // video-orientation moves to id 4, mid (4) is dropped
    remapExtensions(pkt, h, map);
    assert.equal(pkt.length, before);
    assert.ok(parseRtpHeader(pkt, h));
    const abs = findExtension(pkt, h, 2);
    assert.deepEqual([...pkt.subarray(abs >> 8, (abs >> 8) + 3)], [1, 2, 3]);
    const orient = findExtension(pkt, h, 4);
    assert.equal(orient & 0xff, 1);
    assert.equal(pkt[orient >> 8], 7, 'id 4 now carries the orientation, not the mid');
    assert.equal(findExtension(pkt, h, 13), -1);
    assert.equal(h.payloadLength, 10);
  });

  it('writes header fields and keeps the marker bit', () => {
    const pkt = buildRtpPacket({ payloadType: 100, sequenceNumber: 1, timestamp: 2, ssrc: 3, marker: true, payload: Buffer.alloc(1) });
    writeRtpHeaderFields(pkt, 96, 0xabcd, 0x12345678, 0xcafebabe);
    const h = new RtpHeader();
    assert.ok(parseRtpHeader(pkt, h));
    assert.equal(h.marker, true);
    assert.equal(h.payloadType, 96);
    assert.equal(h.sequenceNumber, 0xabcd);
    assert.equal(h.timestamp, 0x12345678);
    assert.equal(h.ssrc, 0xcafebabe);
  });

  it('compares sequence numbers and timestamps across wrap-around', () => {
    assert.equal(seqDiff(2, 65534), 4);
    assert.equal(seqDiff(65534, 2), -4);
    assert.equal(seqDiff(100, 100), 0);
    assert.equal(tsDiff(5, 0xfffffffb), 10);
    assert.equal(tsDiff(0xfffffffb, 5), -10);
  });
});

describe('VP8 payload descriptor', () => {
  it('detects key frames and reads their size', () => {
    const d = new Vp8Descriptor();
    const key = buildVp8Payload({ keyframe: true, frameStart: true, pictureId: 1234, tl0PicIdx: 9, width: 1280, height: 720, size: 100 });
    assert.ok(parseVp8(key, 0, key.length, d));
    assert.equal(d.keyframe, true);
    assert.equal(d.frameStart, true);
    assert.equal(d.pictureId, 1234);
    assert.equal(d.pictureIdBits, 15);
    assert.equal(d.tl0PicIdx, 9);
    assert.equal(d.width, 1280);
    assert.equal(d.height, 720);
  });

  it('tells delta frames and continuation packets apart', () => {
    const d = new Vp8Descriptor();
    const delta = buildVp8Payload({ keyframe: false, frameStart: true, pictureId: 5, size: 50 });
    assert.ok(parseVp8(delta, 0, delta.length, d));
    assert.equal(d.keyframe, false);
    assert.equal(d.frameStart, true);
    const cont = buildVp8Payload({ keyframe: true, frameStart: false, pictureId: 5, size: 50 });
    assert.ok(parseVp8(cont, 0, cont.length, d));
    assert.equal(d.frameStart, false);
    assert.equal(d.keyframe, false, 'only the first packet of a frame can say key frame');
  });

  it('handles 7-bit picture ids, a minimal descriptor, and truncation', () => {
    const d = new Vp8Descriptor();
    const p7 = Buffer.from([0x90, 0x80, 0x05, 0x00, 0, 0, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00]);
    assert.ok(parseVp8(p7, 0, p7.length, d));
    assert.equal(d.pictureIdBits, 7);
    assert.equal(d.pictureId, 5);
    assert.equal(d.keyframe, true);
    assert.equal(d.width, 320);
    assert.equal(d.height, 240);
    writeVp8PictureId(p7, d, 130);
    assert.ok(parseVp8(p7, 0, p7.length, d));
    assert.equal(d.pictureId, 130 & 0x7f);

    const minimal = Buffer.from([0x10, 0x01]);
    assert.ok(parseVp8(minimal, 0, 2, d));
    assert.equal(d.pictureId, -1);
    assert.equal(d.keyframe, false);

    assert.equal(parseVp8(Buffer.from([0x90]), 0, 1, d), false);
    assert.equal(parseVp8(Buffer.from([0x90, 0x80]), 0, 2, d), false);
    assert.equal(parseVp8(Buffer.from([0x90, 0x80, 0x80]), 0, 3, d), false);
    assert.equal(parseVp8(Buffer.from([0x10]), 0, 1, d), false, 'start packet without payload header');
    assert.equal(parseVp8(Buffer.alloc(0), 0, 0, d), false);
  });

  it('rewrites picture id and TL0PICIDX in place', () => {
    const d = new Vp8Descriptor();
    const p = buildVp8Payload({ keyframe: false, frameStart: true, pictureId: 100, tl0PicIdx: 3, size: 40 });
    assert.ok(parseVp8(p, 0, p.length, d));
    writeVp8PictureId(p, d, 32767);
    writeVp8Tl0PicIdx(p, d, 255);
    assert.ok(parseVp8(p, 0, p.length, d));
    assert.equal(d.pictureId, 32767);
    assert.equal(d.tl0PicIdx, 255);
  });
});

describe('PacketCache', () => {
  it('returns cached packets by sequence number, evicts, and accounts', () => {
    const acc = { cachedPackets: 0 };
    const cache = new PacketCache(5, acc);
    assert.equal(cache.capacity, 8);
    const pkts = Array.from({ length: 20 }, (_, i) => Buffer.from([i]));
    for (let i = 0; i < 20; i++) cache.put((65530 + i) & 0xffff, pkts[i]!);
    assert.equal(cache.size, 8);
    assert.equal(acc.cachedPackets, 8);
    assert.equal(cache.get((65530 + 19) & 0xffff), pkts[19]);
    assert.equal(cache.get((65530 + 12) & 0xffff), pkts[12]);
    assert.equal(cache.get((65530 + 11) & 0xffff), undefined, 'evicted');
    assert.equal(cache.get(65530), undefined);
    cache.clear();
    assert.equal(cache.size, 0);
    assert.equal(acc.cachedPackets, 0);
    assert.equal(cache.get((65530 + 19) & 0xffff), undefined);
  });
});

describe('StreamRewriter', () => {
  const srcA = { id: 1 };
  const srcB = { id: 2 };

  it('keeps sequence numbers, timestamps and picture ids continuous across a layer switch', () => {
    const rw = new StreamRewriter(0x1234, 90000, 65530, 0xfffff000);
    let now = 1000;
    // Layer 0: seq 100.., ts 5000 + 3000/frame, pid 10..
    rw.startEpoch(srcA, 0, 100, 5000, 10, 1, now);
    const outs: Array<{ seq: number; ts: number; pid: number }> = [];
    for (let i = 0; i < 10; i++) {
      const seq = rw.map(100 + i, 5000 + Math.floor(i / 2) * 3000, now);
      outs.push({ seq, ts: rw.mapTimestamp(5000 + Math.floor(i / 2) * 3000), pid: rw.mapPictureId(10 + Math.floor(i / 2)) });
      now += 16;
    }
    // Switch to layer 2 at its key frame: unrelated numbering.
    now += 33;
    rw.startEpoch(srcA, 2, 40000, 777777, 30000, 200, now);
    for (let i = 0; i < 6; i++) {
      const seq = rw.map(40000 + i, 777777 + Math.floor(i / 3) * 3000, now);
      outs.push({ seq, ts: rw.mapTimestamp(777777 + Math.floor(i / 3) * 3000), pid: rw.mapPictureId(30000 + Math.floor(i / 3)) });
    }
    for (let i = 1; i < outs.length; i++) {
      assert.equal(seqDiff(outs[i]!.seq, outs[i - 1]!.seq), 1, `seq continuous at ${i}`);
      const dts = tsDiff(outs[i]!.ts, outs[i - 1]!.ts);
      assert.ok(dts >= 0 && dts < 90000, `ts monotonic at ${i}: ${dts}`);
      const dp = (outs[i]!.pid - outs[i - 1]!.pid) & 0x7fff;
      assert.ok(dp === 0 || dp === 1, `picture id continuous at ${i}`);
    }
    // The switch advanced the timestamp by about the elapsed wall time.
    const jump = tsDiff(outs[10]!.ts, outs[9]!.ts);
    assert.ok(jump >= 90 * 33 && jump <= 90 * 60, `timestamp gap ${jump}`);
    assert.equal(outs[0]!.seq, 65530);
  });

  it('drops packets older than the epoch start', () => {
    const rw = new StreamRewriter(1, 90000, 0, 0);
    rw.startEpoch(srcA, 0, 500, 0, -1, -1, 0);
    assert.equal(rw.map(499, 0, 0), -1);
    assert.equal(rw.map(500, 0, 0), 0);
    assert.equal(rw.map(502, 0, 0), 2);
    assert.equal(rw.map(501, 0, 0), 1, 'reordered packet in the epoch keeps its place');
    assert.equal(rw.lastSeq, 2);
  });

  it('maps NACKed output sequence numbers back to the epoch and input', () => {
    const rw = new StreamRewriter(1, 90000, 1000, 0);
    rw.startEpoch(srcA, 0, 100, 0, -1, -1, 0);
    for (let i = 0; i < 5; i++) rw.map(100 + i, 0, 0);
    rw.startEpoch(srcB, 1, 9000, 0, -1, -1, 10);
    for (let i = 0; i < 5; i++) rw.map(9000 + i, 0, 10);
    const e1 = rw.lookup(1002)!;
    assert.equal(e1.source, srcA);
    assert.equal(e1.layer, 0);
    assert.equal((1002 - e1.seqOffset) & 0xffff, 102);
    const e2 = rw.lookup(1007)!;
    assert.equal(e2.source, srcB);
    assert.equal((1007 - e2.seqOffset) & 0xffff, 9002);
    assert.equal(rw.lookup(5000), undefined);
  });

  it('forgets epochs beyond its history', () => {
    const rw = new StreamRewriter(1, 48000, 0, 0);
    rw.startEpoch(srcA, 0, 0, 0, -1, -1, 0);
    rw.map(0, 0, 0);
    for (let k = 1; k <= 9; k++) {
      rw.startEpoch(srcA, 0, k * 100, 0, -1, -1, k);
      rw.map(k * 100, 0, k);
    }
    assert.equal(rw.lookup(0), undefined);
    assert.ok(rw.lookup(9));
  });
});

describe('audio level', () => {
  it('parses the RFC 6464 byte', () => {
    assert.deepEqual(parseAudioLevel(0x85), { voice: true, dBov: 5 });
    assert.deepEqual(parseAudioLevel(0x7f), { voice: false, dBov: 127 });
  });

  it('reports speaking with hysteresis and silence as zero', () => {
    const m = new AudioLevelMeter();
    for (let i = 0; i < 10; i++) m.add(127);
    assert.equal(m.sample(), false, 'silence from the start is no change');
    assert.equal(m.level, 0);
    for (let i = 0; i < 10; i++) m.add(10); // -10 dBov: loud
    assert.equal(m.sample(), true);
    assert.equal(m.speaking, true);
    assert.ok(m.level > 0.1 && m.level <= 1, `level ${m.level}`);
    for (let i = 0; i < 10; i++) m.add(127);
    m.sample();
    assert.equal(m.speaking, true, 'one quiet window does not stop speaking');
    for (let i = 0; i < 10; i++) m.add(127);
    m.sample();
    for (let i = 0; i < 10; i++) m.add(127);
    m.sample();
    assert.equal(m.speaking, false);
    m.sample(); // no packets at all
    assert.equal(m.level, 0);
    assert.equal(m.speaking, false);
  });
});
