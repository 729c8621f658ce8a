/**
 * Random and truncated input must never throw: not the parsers, not the forwarding path.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findExtension, parseRtpHeader, readExtensionString, remapExtensions, RtpHeader, buildRtpPacket } from '../../src/sfu/rtp/rtp-packet.js';
import { buildVp8Payload, parseVp8, Vp8Descriptor } from '../../src/sfu/rtp/vp8.js';
import { parseRtcp, buildNack, buildPli, buildRemb, buildReceiverReport } from '../../src/sfu/rtp/rtcp.js';
import { preparePublisherOffer, parseSubscriberAnswer } from '../../src/sfu/sdp.js';
import { SfuError } from '../../src/sfu/errors.js';
import { PublishedTrack } from '../../src/sfu/published-track.js';
import { DownTrack } from '../../src/sfu/downtrack.js';
import { StreamRewriter } from '../../src/sfu/rtp/stream-rewriter.js';
import { silentLogger, zeroStats, type SfuContext } from '../../src/sfu/context.js';
import type { SubscriberSlot } from '../../src/sfu/subscriber-slot.js';
import { EXT_ABS_SEND_TIME, EXT_RID } from '../../src/sfu/extensions.js';

const bytes = fc.uint8Array({ minLength: 0, maxLength: 1500 });
const everyExtMap = new Uint8Array(256).map((_, i) => (i % 3 === 0 ? 0 : (i % 14) + 1));

function ctx(): SfuContext {
  return {
    options: { udpPort: 1, bindAddress: '127.0.0.1', announcedAddress: '127.0.0.1', announcedPort: 1, extraAddresses: [], publisherVideoBitrate: 1e6, packetCacheSize: 64 },
    logger: silentLogger,
    counters: zeroStats(),
  };
}

/** A published simulcast track with one subscriber whose sends are checked. */
function forwardingRig() {
  const c = ctx();
  const track = new PublishedTrack(c, {
    trackId: 't',
    endpointId: 'pub',
    kind: 'video',
    streamKey: 'camera',
    payloadType: 96,
    clockRate: 90000,
    rids: ['q', 'h'],
    extensions: new Map([
      [EXT_RID, 10],
      [EXT_ABS_SEND_TIME, 2],
    ]),
    ssrcs: [],
  });
  const sent: Buffer[] = [];
  const slot = {
    mid: '0',
    open: true,
    rewriter: new StreamRewriter(4242, 90000),
    send(b: Buffer) {
      sent.push(Buffer.from(b));
      return true;
    },
  } as unknown as SubscriberSlot;
  const dt = new DownTrack(c, track, slot, 'sub', {}, { layerSwitched() {} });
  dt.activate(new Set([EXT_ABS_SEND_TIME]));
  dt.setLayers(0, 0);
  return { c, track, dt, sent };
}

function validPacket(seq: number, rid: string, keyframe: boolean): Buffer {
  return buildRtpPacket({
    payloadType: 96,
    sequenceNumber: seq,
    timestamp: seq * 3000,
    ssrc: rid === 'q' ? 111 : 222,
    extensions: [
      { id: 10, data: Buffer.from(rid) },
      { id: 2, data: Buffer.from([1, 2, 3]) },
    ],
    payload: buildVp8Payload({ keyframe, frameStart: true, pictureId: seq, tl0PicIdx: seq & 0xff, width: 320, height: 180, size: 60 }),
  });
}

describe('fuzz', () => {
  it('RTP, VP8 and RTCP parsers never throw on random bytes', () => {
    const h = new RtpHeader();
    const d = new Vp8Descriptor();
    fc.assert(
      fc.property(bytes, (b) => {
        const buf = Buffer.from(b);
        if (parseRtpHeader(buf, h)) {
          assert.ok(h.payloadOffset <= buf.length);
          assert.ok(h.payloadLength >= 0);
          for (let id = 0; id < 16; id++) findExtension(buf, h, id);
          readExtensionString(buf, h, 10);
          remapExtensions(buf, h, everyExtMap);
          parseVp8(buf, h.payloadOffset, h.payloadLength, d);
        }
        parseVp8(buf, 0, buf.length, d);
        parseRtcp(buf, { senderReport() {}, reportBlock() {}, pli() {}, fir() {}, nack() {}, remb() {} });
      }),
      { numRuns: 3000 },
    );
  });

  it('RTCP parser survives truncated and bit-flipped valid packets', () => {
    const valid = Buffer.concat([
      buildReceiverReport(1, [{ ssrc: 2, fractionLost: 0.1, cumulativeLost: 1, highestSeq: 3, jitter: 0, lastSr: 0, delaySinceLastSr: 0 }]),
      buildRemb(1, 1e6, [2, 3]),
      buildNack(1, 2, [1, 2, 3, 40]),
      buildPli(1, 2),
    ]);
    fc.assert(
      fc.property(fc.nat(valid.length), fc.nat(valid.length - 1), fc.nat(255), (cut, pos, val) => {
        const b = Buffer.from(valid.subarray(0, cut));
        if (pos < b.length) b[pos] = val;
        parseRtcp(b, { reportBlock() {}, remb() {}, nack() {}, pli() {} });
      }),
      { numRuns: 3000 },
    );
  });

  it('the forwarding path drops garbage and only ever sends well-formed RTP', () => {
    const rig = forwardingRig();
    // Prime: a key frame of layer q so the subscription is forwarding.
    rig.track.onPacket(validPacket(1, 'q', true));
    assert.equal(rig.sent.length, 1);
    const h = new RtpHeader();
    fc.assert(
      fc.property(
        fc.oneof(
          bytes.map((b) => Buffer.from(b)),
          fc.tuple(fc.nat(65535), fc.constantFrom('q', 'h', 'x'), fc.boolean(), fc.nat(200), fc.nat(200), fc.nat(255)).map(
            ([seq, rid, key, cut, pos, val]) => {
              const p = validPacket(seq, rid, key);
              const out = Buffer.from(p.subarray(0, Math.min(p.length, 12 + cut)));
              if (pos < out.length && val % 2 === 0) out[pos] = val;
              return out;
            },
          ),
        ),
        (pkt) => {
          rig.track.onPacket(pkt);
        },
      ),
      { numRuns: 5000 },
    );
    for (const s of rig.sent) {
      assert.ok(parseRtpHeader(s, h), 'sent packets parse');
      assert.equal(h.ssrc, 4242);
      assert.equal(h.payloadType, 96);
    }
    assert.ok(rig.c.counters.droppedPackets > 0);
    // NACKs for arbitrary sequence numbers are harmless too.
    for (let i = 0; i < 70000; i += 97) rig.dt.retransmit(i & 0xffff);
    rig.dt.close();
    rig.track.close();
    assert.equal(rig.c.counters.cachedPackets, 0);
    assert.equal(rig.c.counters.subscriptions, 0);
    assert.equal(rig.c.counters.publishedTracks, 0);
  });

  it('SDP entry points throw SfuError or nothing on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.constantFrom('audio' as const, 'video' as const), (s, kind) => {
        for (const sdp of [s, `v=0\r\nm=${kind} 9 UDP/TLS/RTP/SAVPF 96\r\n${s}`]) {
          try {
            preparePublisherOffer(sdp, kind);
          } catch (e) {
            assert.ok(e instanceof SfuError, String(e));
          }
          try {
            parseSubscriberAnswer(sdp);
          } catch (e) {
            assert.ok(e instanceof SfuError, String(e));
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
