import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import sdpTransform from 'sdp-transform';
import {
  finalizePublisherAnswer,
  finalizeSubscriberOffer,
  msidToken,
  parseSimulcastList,
  parseSubscriberAnswer,
  preparePublisherOffer,
} from '../../src/sfu/sdp.js';
import {
  allocateLayers,
  desiredLayerForSize,
  DownlinkEstimator,
  layerDimensions,
  nearestActiveLayer,
  type LayerInfo,
} from '../../src/sfu/layer-selection.js';
import { EXT_AUDIO_LEVEL, EXT_RID } from '../../src/sfu/extensions.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('SDP munging', () => {
  it('keeps VP8 only, the handled extensions and the simulcast rids of a Chromium offer', () => {
    const info = preparePublisherOffer(fixture('chromium-simulcast-offer.sdp'), 'video');
    assert.deepEqual(info.rids, ['q', 'h', 'f']);
    assert.equal(info.clockRate, 90000);
    const media = sdpTransform.parse(info.sdp).media[0]!;
    assert.deepEqual(media.rtp.map((r) => r.codec), ['VP8']);
    assert.equal(String(media.payloads), String(info.payloadType));
    assert.ok(info.extensions.has(EXT_RID));
    assert.ok(!(media.ext ?? []).some((e) => e.uri.includes('transport-wide-cc')));
    assert.ok(!(media.rtcpFb ?? []).some((f) => f.type === 'transport-cc'));
    assert.ok((media.rtcpFb ?? []).some((f) => f.type === 'goog-remb'));
  });

  it('keeps opus and the audio level extension of an audio offer', () => {
    const info = preparePublisherOffer(fixture('chromium-audio-offer.sdp'), 'audio');
    assert.deepEqual(info.rids, []);
    assert.equal(info.clockRate, 48000);
    assert.ok(info.extensions.has(EXT_AUDIO_LEVEL));
    assert.equal(info.ssrcs.length, 1);
    const media = sdpTransform.parse(info.sdp).media[0]!;
    assert.deepEqual(media.rtp.map((r) => r.codec), ['opus']);
  });

  it('refuses offers it cannot serve with INVALID_ARGUMENT', () => {
    const cases: Array<[string, 'audio' | 'video']> = [
      ['', 'video'],
      ['garbage', 'video'],
      [fixture('chromium-audio-offer.sdp'), 'video'],
      [fixture('chromium-simulcast-offer.sdp').replace(/VP8/g, 'XYZ'), 'video'],
      [fixture('chromium-audio-offer.sdp') + fixture('chromium-audio-offer.sdp').slice(fixture('chromium-audio-offer.sdp').indexOf('m=audio')), 'audio'],
      [fixture('chromium-audio-offer.sdp').replace(/a=fingerprint.*\r?\n/g, ''), 'audio'],
    ];
    for (const [sdp, kind] of cases) {
      assert.throws(() => preparePublisherOffer(sdp, kind), (e: { code?: string }) => e.code === 'INVALID_ARGUMENT');
    }
  });

  it('flips simulcast to recv and announces one candidate', () => {
    const answer = [
      'v=0', 'o=rtc 1 0 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0',
      'm=video 50000 UDP/TLS/RTP/SAVPF 96', 'c=IN IP4 10.0.0.1', 'a=mid:0', 'a=recvonly',
      'a=msid:- abc', 'a=rid:q send', 'a=rid:h send', 'a=simulcast:send q;h',
      'a=rtpmap:96 VP8/90000', 'a=setup:active', 'a=ice-ufrag:abcd', 'a=ice-pwd:abcdefghijklmnopqrstuv',
      'a=fingerprint:sha-256 AA:BB', 'a=candidate:1 1 UDP 2114977791 10.0.0.1 50000 typ host', 'a=candidate:2 1 UDP 2114977790 192.168.1.2 50000 typ host', '',
    ].join('\r\n');
    const out = finalizePublisherAnswer(answer, '203.0.113.7', 3478);
    const media = sdpTransform.parse(out).media[0]!;
    assert.deepEqual(media.simulcast, { dir1: 'recv', list1: 'q;h' });
    assert.deepEqual(media.rids?.map((r) => r.direction), ['recv', 'recv']);
    assert.equal(media.candidates?.length, 1);
    assert.equal(media.candidates![0]!.ip, '203.0.113.7');
    assert.equal(media.candidates![0]!.port, 3478);
    assert.equal(media.port, 3478);
    assert.equal(media.connection?.ip, '203.0.113.7');
    assert.equal(media.msid, undefined);
    assert.match(out, /a=end-of-candidates/);

    const offer = finalizeSubscriberOffer(answer, '::1', 4000, { sessionId: '42', version: 3 }, (m) => {
      m.direction = 'inactive';
    });
    const parsed = sdpTransform.parse(offer);
    assert.equal(parsed.media[0]!.connection?.version, 6);
    assert.equal(parsed.media[0]!.direction, 'inactive');
    assert.equal(String(parsed.origin?.sessionId), '42');
    assert.equal(parsed.origin?.sessionVersion, 3);
  });

  it('reads accepted extensions and rejected m-lines from a subscriber answer', () => {
    const answer = [
      'v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0',
      'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=mid:0', 'a=recvonly', 'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
      'a=extmap:4 urn:3gpp:video-orientation', 'a=extmap:9 urn:3gpp:video-orientation', 'a=rtpmap:96 VP8/90000',
      'm=audio 0 UDP/TLS/RTP/SAVPF 111', 'a=mid:1', 'a=inactive', 'a=rtpmap:111 opus/48000/2', '',
    ].join('\r\n');
    const m = parseSubscriberAnswer(answer);
    assert.deepEqual([...m.get('0')!.extensions].sort(), ['http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', 'urn:3gpp:video-orientation']);
    assert.equal(m.get('0')!.rejected, false);
    assert.equal(m.get('1')!.rejected, true);
  });

  it('parses simulcast lists and sanitises msid tokens', () => {
    assert.deepEqual(parseSimulcastList('q;h;f'), ['q', 'h', 'f']);
    assert.deepEqual(parseSimulcastList('~q,x;h;'), ['q', 'h']);
    assert.equal(msidToken('sess:camera 1'), 'sess_camera_1');
    assert.equal(msidToken(''), '-');
    assert.equal(msidToken('x'.repeat(100)).length, 64);
  });
});

const L = (width: number, height: number, bitrate: number, active = true): LayerInfo => ({ width, height, bitrate, active });

describe('layer selection', () => {
  const three = [L(320, 180, 150_000), L(640, 360, 500_000), L(1280, 720, 1_500_000)];

  it('fills unknown layer sizes by halving', () => {
    assert.deepEqual(layerDimensions([L(0, 0, 0), L(0, 0, 0), L(0, 0, 0)]), [
      { width: 320, height: 180 },
      { width: 640, height: 360 },
      { width: 1280, height: 720 },
    ]);
    assert.deepEqual(layerDimensions([L(0, 0, 0), L(960, 540, 0), L(0, 0, 0)])[2], { width: 1920, height: 1080 });
  });

  it('picks the smallest layer covering the render size', () => {
    assert.equal(desiredLayerForSize(three), 2);
    assert.equal(desiredLayerForSize(three, 320, 180), 0);
    assert.equal(desiredLayerForSize(three, 160, 90), 0);
    assert.equal(desiredLayerForSize(three, 400, 225), 1);
    assert.equal(desiredLayerForSize(three, 640, 360), 1);
    assert.equal(desiredLayerForSize(three, 1280, 720), 2);
    assert.equal(desiredLayerForSize(three, 3840, 2160), 2);
    assert.equal(desiredLayerForSize([L(640, 480, 0)], 100, 100), 0);
  });

  it('falls back to the nearest flowing layer', () => {
    const paused = [L(320, 180, 150_000), L(640, 360, 0, false), L(1280, 720, 0, false)];
    assert.equal(nearestActiveLayer(paused, 2), 0);
    const lowPaused = [L(320, 180, 0, false), L(640, 360, 0, false), L(1280, 720, 1e6)];
    assert.equal(nearestActiveLayer(lowPaused, 0), 2);
    assert.equal(nearestActiveLayer([L(1, 1, 0, false)], 0), 0);
  });

  it('fits subscriptions into a budget, round robin', () => {
    const reqs = [
      { layers: three, desired: 2 },
      { layers: three, desired: 2 },
    ];
    assert.deepEqual(allocateLayers(reqs, Infinity), [2, 2]);
    assert.deepEqual(allocateLayers(reqs, 300_000), [0, 0]);
    assert.deepEqual(allocateLayers(reqs, 700_000), [1, 0]);
    assert.deepEqual(allocateLayers(reqs, 1_000_000), [1, 1]);
    assert.deepEqual(allocateLayers(reqs, 2_100_000), [2, 1]);
    assert.deepEqual(allocateLayers([{ layers: three, desired: 0 }], 10_000_000), [0]);
  });

  it('estimates a budget from loss and REMB', () => {
    const e = new DownlinkEstimator();
    let t = 1000;
    assert.equal(e.update(t, 1_000_000), Infinity);
    e.onLoss(0.3, t);
    t += 500;
    const b1 = e.update(t, 1_000_000);
    assert.ok(b1 < 1_000_000 && b1 > 500_000, `budget on loss ${b1}`);
    for (let i = 0; i < 5; i++) e.onLoss(0, t); // smoothed loss falls under 2%
    t += 1000;
    const b2 = e.update(t, b1);
    assert.ok(b2 > b1, 'grows when loss is gone');
    e.onRemb(200_000, t);
    t += 500;
    assert.equal(e.update(t, b2), 200_000, 'REMB below what is sent caps the budget');
  });
});
