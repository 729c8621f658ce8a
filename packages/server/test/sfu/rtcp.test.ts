import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildFir,
  buildNack,
  buildPli,
  buildReceiverReport,
  buildRemb,
  buildSenderReport,
  forEachNackedSeq,
  ntpFromMs,
  ntpMiddle,
  parseRtcp,
  type ReportBlock,
  type RtcpVisitor,
} from '../../src/sfu/rtp/rtcp.js';

function collect(buf: Buffer) {
  const out = {
    ok: false,
    sr: [] as Array<[number, number, number, number, number, number]>,
    blocks: [] as Array<{ reporter: number } & Omit<ReportBlock, never>>,
    pli: [] as Array<[number, number]>,
    fir: [] as Array<[number, number, number]>,
    nack: [] as number[],
    remb: [] as Array<{ bitrate: number; ssrcs: number[] }>,
  };
  const v: RtcpVisitor = {
    senderReport: (...a) => out.sr.push(a),
    reportBlock: (reporter, b) => out.blocks.push({ reporter, ...b }),
    pli: (s, m) => out.pli.push([s, m]),
    fir: (s, m, n) => out.fir.push([s, m, n]),
    nack: (_s, _m, pid, blp) => forEachNackedSeq(pid, blp, (q) => out.nack.push(q)),
    remb: (_s, bitrate, ssrcs) => out.remb.push({ bitrate, ssrcs }),
  };
  out.ok = parseRtcp(buf, v);
  return out;
}

describe('RTCP', () => {
  it('builds and parses PLI and FIR', () => {
    const r = collect(Buffer.concat([buildPli(1, 0xfedcba98), buildFir(2, 77, 5)]));
    assert.ok(r.ok);
    assert.deepEqual(r.pli, [[1, 0xfedcba98]]);
    assert.deepEqual(r.fir, [[2, 77, 5]]);
  });

  it('packs NACKs into pid/blp pairs, across wrap-around', () => {
    const seqs = [65534, 65535, 0, 3, 17, 100, 116, 117];
    const buf = buildNack(1, 2, seqs);
    // 65534 covers up to 65534+16 = 14 (wrapped): 65535, 0, 3; 17 new; 100 covers 116; 117 new.
    assert.equal((buf.length - 12) / 4, 4);
    const r = collect(buf);
    assert.ok(r.ok);
    assert.deepEqual(r.nack, seqs);
  });

  it('encodes REMB bitrates in exponent/mantissa form', () => {
    for (const bitrate of [0, 1, 262143, 262144, 1_500_000, 3_000_000, 123_456_789]) {
      const r = collect(buildRemb(9, bitrate, [10, 11, 12]));
      assert.ok(r.ok);
      assert.equal(r.remb.length, 1);
      assert.deepEqual(r.remb[0]!.ssrcs, [10, 11, 12]);
      const got = r.remb[0]!.bitrate;
      assert.ok(got <= bitrate && got >= bitrate * 0.9999 - 1, `${bitrate} → ${got}`);
    }
  });

  it('builds and parses receiver and sender reports', () => {
    const rr = buildReceiverReport(5, [
      { ssrc: 100, fractionLost: 0.25, cumulativeLost: 12, highestSeq: 70000, jitter: 30, lastSr: 0x12345678, delaySinceLastSr: 65536 },
      { ssrc: 101, fractionLost: 0, cumulativeLost: -3, highestSeq: 5, jitter: 0, lastSr: 0, delaySinceLastSr: 0 },
    ]);
    const ntp = ntpFromMs(Date.UTC(2026, 0, 1, 0, 0, 0, 500));
    assert.equal(ntp.frac, 0x80000000);
    const sr = buildSenderReport(7, ntp.sec, ntp.frac, 90000, 10, 12000);
    const r = collect(Buffer.concat([sr, rr]));
    assert.ok(r.ok);
    assert.deepEqual(r.sr, [[7, ntp.sec, ntp.frac, 90000, 10, 12000]]);
    assert.equal(r.blocks.length, 2);
    assert.equal(r.blocks[0]!.reporter, 5);
    assert.equal(r.blocks[0]!.ssrc, 100);
    assert.equal(r.blocks[0]!.fractionLost, 0.25);
    assert.equal(r.blocks[0]!.cumulativeLost, 12);
    assert.equal(r.blocks[0]!.highestSeq, 70000);
    assert.equal(r.blocks[0]!.lastSr, 0x12345678);
    assert.equal(r.blocks[1]!.cumulativeLost, -3);
    assert.equal(ntpMiddle(0x0001abcd, 0x12340000), 0xabcd1234);
  });

  it('walks compound packets with SDES/BYE and stops at malformed ones', () => {
    const sdes = Buffer.from([0x81, 202, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0]);
    const bye = Buffer.from([0x81, 203, 0, 1, 0, 0, 0, 1]);
    const good = Buffer.concat([buildReceiverReport(1, []), sdes, buildPli(1, 2), bye]);
    const r = collect(good);
    assert.ok(r.ok);
    assert.equal(r.pli.length, 1);

    const truncated = Buffer.concat([buildPli(1, 2), buildPli(1, 3).subarray(0, 10)]);
    const t = collect(truncated);
    assert.equal(t.ok, false);
    assert.deepEqual(t.pli, [[1, 2]], 'the complete first packet is still seen');

    assert.equal(collect(Buffer.alloc(0)).ok, false);
    assert.equal(collect(Buffer.from([0x40, 200, 0, 0])).ok, false, 'version 1');
    const shortSr = Buffer.from([0x80, 200, 0, 1, 0, 0, 0, 1]);
    assert.equal(collect(shortSr).ok, false);
    const lyingRr = buildReceiverReport(1, [{ ssrc: 1, fractionLost: 0, cumulativeLost: 0, highestSeq: 0, jitter: 0, lastSr: 0, delaySinceLastSr: 0 }]);
    lyingRr[0] = 0x80 | 5; // claims 5 blocks, holds 1
    assert.equal(collect(lyingRr).ok, false);
    const remb = buildRemb(1, 1000, [1]);
    remb[16] = 50; // claims 50 SSRCs
    assert.equal(collect(remb).ok, false);
  });
});
