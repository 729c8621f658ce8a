import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRtpHeader, RtpHeader, findExtension } from '../../server/src/sfu/rtp/rtp-packet.js';
import { parseVp8, Vp8Descriptor } from '../../server/src/sfu/rtp/vp8.js';
import { AudioSource } from '../src/load/audio-source.js';
import { candidateAddress, rewriteCandidate } from '../src/load/lossy-relay.js';
import { parseLoadOptions } from '../src/load/options.js';
import { parsePrometheus, sample } from '../src/load/prometheus.js';
import { ReceiveStats } from '../src/load/receive-stats.js';
import { summarize } from '../src/load/report.js';
import { EXT, MAX_PACKET_BYTES } from '../src/load/packets.js';
import { FPS, KEYFRAME_INTERVAL_S, simulcastLayers, VideoSource } from '../src/load/video-source.js';
import { CliError } from '../src/errors.js';

/** A deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('load-test options', () => {
  it('has defaults and reads every option', () => {
    const d = parseLoadOptions([])!;
    assert.equal(d.url, 'http://localhost:3000');
    assert.equal(d.callType, 'default');
    assert.match(d.callId, /^load-[0-9a-f]{8}$/);
    assert.equal(d.publishers, 1);
    assert.equal(d.subscribers, 4);
    const o = parseLoadOptions(['--url', 'http://h:1/', '--call', 'audio_room:x', '--publishers', '3', '--subscribers', '0', '--audio-only', '--video-bitrate', '900', '--duration', '2.5', '--ramp', '50', '--loss', '2', '--json', '--api-key', 'k', '--api-secret', 's'])!;
    assert.deepEqual(
      { ...o },
      { url: 'http://h:1', callType: 'audio_room', callId: 'x', publishers: 3, subscribers: 0, audioOnly: true, videoKbps: 900, durationS: 2.5, ramp: 50, lossPct: 2, json: true, apiKey: 'k', apiSecret: 's' },
    );
    assert.equal(parseLoadOptions(['--help']), null);
  });

  it('refuses mistakes with one clear line (exit code 2)', () => {
    for (const args of [['--publishers', '-1'], ['--call', 'nocolon'], ['--url', 'ftp://x'], ['--loss', '90'], ['--bogus'], ['--api-key', 'k'], ['--publishers', '0', '--subscribers', '0']]) {
      assert.throws(() => parseLoadOptions(args), (e: unknown) => e instanceof CliError && e.exitCode === 2 && !e.message.includes('\n'), args.join(' '));
    }
  });
});

describe('synthetic VP8 simulcast source', () => {
  it('sends each layer near its bitrate at 30 fps, packets under 1200 bytes, with rid and VP8 descriptors', () => {
    const packets: Buffer[] = [];
    const src = new VideoSource(simulcastLayers(1700), (p) => (packets.push(p), true), prng(1), 0);
    const seconds = 20;
    for (let f = 0; f < seconds * FPS; f++) src.sendFrame((f * 1000) / FPS);
    const h = new RtpHeader();
    const d = new Vp8Descriptor();
    const perLayer = new Map<string, { bytes: number; frames: number; keys: number; widths: Set<number> }>();
    for (const p of packets) {
      assert.ok(p.length <= MAX_PACKET_BYTES, `packet of ${p.length} bytes`);
      assert.ok(parseRtpHeader(p, h));
      assert.equal(h.payloadType, 96);
      const ext = findExtension(p, h, EXT.rid);
      assert.ok(ext >= 0, 'rid extension present');
      const rid = String.fromCharCode(p[ext >> 8]!);
      assert.ok(parseVp8(p, h.payloadOffset, h.payloadLength, d));
      const l = perLayer.get(rid) ?? { bytes: 0, frames: 0, keys: 0, widths: new Set<number>() };
      l.bytes += h.payloadLength;
      if (d.frameStart) l.frames++;
      if (d.keyframe) {
        l.keys++;
        l.widths.add(d.width);
      }
      perLayer.set(rid, l);
    }
    for (const [rid, kbps, width] of [['q', 150, 320], ['h', 500, 640], ['f', 1700, 1280]] as const) {
      const l = perLayer.get(rid)!;
      assert.equal(l.frames, seconds * FPS, `${rid} frames`);
      const measured = (l.bytes * 8) / seconds / 1000;
      assert.ok(Math.abs(measured - kbps) / kbps < 0.1, `${rid}: ${measured.toFixed(0)} kbps, want about ${kbps}`);
      assert.equal(l.keys, seconds / KEYFRAME_INTERVAL_S, `${rid}: a key frame every ${KEYFRAME_INTERVAL_S} s`);
      assert.deepEqual([...l.widths], [width]);
    }
  });

  it('answers a PLI with a key frame on that layer only, pauses layers for dynacast and answers NACKs from its cache', () => {
    const packets: Buffer[] = [];
    const src = new VideoSource(simulcastLayers(1700), (p) => (packets.push(p), true), prng(2), 0);
    src.sendFrame(0); // first frames are key frames
    packets.length = 0;
    const [q, hLayer, f] = src.layers;
    src.requestKeyframe(hLayer!.ssrc);
    src.setActiveLayers(['h']);
    src.sendFrame(33);
    const h = new RtpHeader();
    const d = new Vp8Descriptor();
    const keysBySsrc = new Map<number, boolean>();
    for (const p of packets) {
      parseRtpHeader(p, h);
      parseVp8(p, h.payloadOffset, h.payloadLength, d);
      if (d.frameStart) keysBySsrc.set(h.ssrc, d.keyframe);
    }
    assert.deepEqual(keysBySsrc, new Map([[q!.ssrc, false], [hLayer!.ssrc, true]]), 'f paused, h key frame, q delta');
    assert.equal(f!.active, false);
    const seq = packets[0]!.readUInt16BE(2);
    packets.length = 0;
    assert.equal(src.retransmit(q!.ssrc, [seq]), 1);
    assert.equal(packets[0]!.readUInt16BE(2), seq);
    src.setActiveLayers(['f']);
    packets.length = 0;
    src.sendFrame(66);
    const fKey = packets.some((p) => (parseRtpHeader(p, h), parseVp8(p, h.payloadOffset, h.payloadLength, d), h.ssrc === f!.ssrc && d.keyframe));
    assert.ok(fKey, 'a resumed layer starts with a key frame');
  });
});

describe('synthetic Opus source', () => {
  it('sends 50 packets/s near 32 kbps with the audio level extension', () => {
    const packets: Buffer[] = [];
    const src = new AudioSource((p) => (packets.push(p), true), prng(3), 0);
    for (let i = 0; i < 50 * 20; i++) src.sendPacket(i * 20);
    const h = new RtpHeader();
    let bytes = 0;
    const levels = new Set<number>();
    for (const p of packets) {
      parseRtpHeader(p, h);
      bytes += h.payloadLength;
      const ext = findExtension(p, h, EXT.audioLevel);
      assert.ok(ext >= 0);
      levels.add(p[ext >> 8]! & 0x7f);
    }
    assert.equal(packets.length, 1000);
    const kbps = (bytes * 8) / 20 / 1000;
    assert.ok(kbps > 26 && kbps < 38, `${kbps} kbps`);
    assert.ok([...levels].some((l) => l <= 40) && [...levels].some((l) => l > 60), 'speech and silence');
  });
});

describe('receive accounting', () => {
  it('counts loss from gaps, NACKs them, and a retransmission repairs them', () => {
    const s = new ReceiveStats(90_000);
    assert.equal(s.onPacket(65534, 0, 7, 100, 0), null);
    assert.equal(s.onPacket(65535, 3000, 7, 100, 33), null);
    assert.deepEqual(s.onPacket(2, 6000, 7, 100, 66), [0, 1], 'wrap-around gap');
    assert.equal(s.expected, 5);
    assert.equal(s.lost, 2);
    assert.deepEqual(s.dueNacks(70), [], 'not yet due again');
    assert.deepEqual(s.dueNacks(170), [0, 1]);
    s.onPacket(0, 6000, 7, 100, 180);
    assert.equal(s.lost, 1);
    s.onPacket(0, 6000, 7, 100, 181);
    assert.equal(s.duplicates, 1);
    assert.equal(s.received, 4);
    assert.deepEqual(s.dueNacks(2000), [], 'given up after a second');
    assert.equal(s.lost, 1);
    assert.equal(s.nacked, 4);
    const rr = s.reportBlock();
    assert.equal(rr.cumulativeLost, 1);
    assert.ok(Math.abs(rr.fractionLost - 0.2) < 1e-9);
  });

  it('computes RFC 3550 jitter: zero for perfectly paced packets, positive when arrivals wobble', () => {
    const steady = new ReceiveStats(48_000);
    for (let i = 0; i < 100; i++) steady.onPacket(i, i * 960, 1, 100, i * 20);
    assert.equal(steady.jitterMs, 0);
    const wobbly = new ReceiveStats(48_000);
    for (let i = 0; i < 100; i++) wobbly.onPacket(i, i * 960, 1, 100, i * 20 + (i % 2) * 4);
    assert.ok(wobbly.jitterMs > 3 && wobbly.jitterMs < 4.5, `${wobbly.jitterMs}`);
  });
});

describe('Prometheus text', () => {
  it('parses samples with labels and refuses malformed lines', () => {
    const s = parsePrometheus('# HELP a_total x\n# TYPE a_total counter\na_total 3\nb{type="call.join",le="0.5"} 1e3\nc NaN\nd +Inf\n');
    assert.equal(sample(s, 'a_total'), 3);
    assert.equal(sample(s, 'b', '{type="call.join",le="0.5"}'), 1000);
    assert.ok(Number.isNaN(sample(s, 'c')));
    assert.equal(sample(s, 'd'), Infinity);
    assert.throws(() => parsePrometheus('a b c\n'), /line 1/);
    assert.throws(() => parsePrometheus('# TYPE a bogus\n'), /line 1/);
  });
});

describe('the --loss relay', () => {
  it('reads and rewrites a candidate address', () => {
    const c = 'candidate:1 1 UDP 2122317823 127.0.0.1 3001 typ host';
    assert.deepEqual(candidateAddress(c), { address: '127.0.0.1', port: 3001 });
    assert.equal(rewriteCandidate(c, '127.0.0.1', 4000), 'candidate:1 1 UDP 2122317823 127.0.0.1 4000 typ host');
    assert.equal(candidateAddress('candidate:1 1 TCP 1 127.0.0.1 9 typ host tcptype active'), null);
  });
});

describe('the JSON summary', () => {
  it('has exactly the documented fields', () => {
    const s = summarize(
      parseLoadOptions(['--publishers', '2', '--subscribers', '3'])!,
      { participants: 5, joined: 5, failed: 0, tracksExpected: 16, tracksReceiving: 16, packetsSent: 10, packetsReceived: 99, packetsLost: 1, jitterMs: 1.234, jitterMaxMs: 2, nacksSent: 1, plisAtPublishers: 2, nacksAtPublishers: 0, retransmittedByPublishers: 0, keyframes: 3, lateFrames: 0, relayDropped: 0 },
      [10, 20, 30],
      { cpuPct: 12.5, rssMb: 100, forwardedPackets: 1, nacksReceived: 0, retransmitted: 0, plisSent: 0, eventLoopLagP99Ms: 1 },
    );
    assert.deepEqual(s, {
      publishers: 2,
      subscribers: 3,
      joinMs: { p50: 20, p95: 30, max: 30 },
      tracks: { expected: 16, receiving: 16 },
      packets: { sent: 10, received: 99, lost: 1 },
      lossPct: 1,
      jitterMs: 1.23,
      nacks: 1,
      plis: 2,
      server: { cpuPct: 12.5, rssMb: 100 },
    });
  });
});
