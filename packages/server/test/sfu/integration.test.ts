/**
 * The real SFU on one UDP port with node-datachannel peers publishing synthetic RTP.
 */
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import nodeDataChannel from 'node-datachannel';
import { createSfu, type Endpoint, type Router, type RouterEvents, type Sfu } from '../../src/sfu/index.js';
import { seqDiff, tsDiff } from '../../src/sfu/rtp/rtp-packet.js';
import { connectPublisher, retainedTracks, SyntheticPublisher, SyntheticSubscriber, waitFor } from './helpers/synthetic.js';
import { LossyProxy, rtpIds } from './helpers/udp-proxy.js';

const T = 10_000;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('SFU with node-datachannel peers', () => {
  let sfu: Sfu;
  let router: Router;
  const eps: Record<string, Endpoint> = {};
  const pubs: Record<string, SyntheticPublisher> = {};
  const subs: Record<string, SyntheticSubscriber> = {};
  const events: { [K in keyof RouterEvents]?: Array<RouterEvents[K]> } = {};
  let pump: NodeJS.Timeout | undefined;
  let audioLevel = 10;

  function record<K extends keyof RouterEvents>(name: K): void {
    const list: Array<RouterEvents[K]> = [];
    (events as Record<string, unknown>)[name] = list;
    router.on(name, (e) => list.push(e));
  }

  before(async () => {
    if (process.env.NDC_LOG) nodeDataChannel.initLogger(process.env.NDC_LOG as 'Warning', (level, msg) => console.log(`[ndc ${level}] ${msg}`));
    sfu = await createSfu({ udpPort: 0, bindAddress: '127.0.0.1', announcedAddress: '127.0.0.1', packetCacheSize: 64 });
    router = sfu.createRouter('call-1');
    for (const name of ['trackPublished', 'subscriptionStarted', 'subscriptionEnded', 'layerSwitched', 'audioLevel', 'layersNeeded'] as const) record(name);
    for (const id of ['A', 'B', 'C']) eps[id] = router.createEndpoint(id);
    pubs.Av = new SyntheticPublisher('A-video', 'video', [
      { rid: 'q', ssrc: 1111, width: 320, height: 180, packetsPerFrame: 1 },
      { rid: 'h', ssrc: 2222, width: 640, height: 360, packetsPerFrame: 2 },
      { rid: 'f', ssrc: 3333, width: 1280, height: 720, packetsPerFrame: 3 },
    ]);
    pubs.Aa = new SyntheticPublisher('A-audio', 'audio', [{ rid: '', ssrc: 4444, width: 0, height: 0, packetsPerFrame: 1 }]);
    pubs.Bv = new SyntheticPublisher('B-video', 'video', [{ rid: '', ssrc: 5555, width: 640, height: 480, packetsPerFrame: 2 }]);
    pubs.Ba = new SyntheticPublisher('B-audio', 'audio', [{ rid: '', ssrc: 6666, width: 0, height: 0, packetsPerFrame: 1 }]);
    connectPublisher(eps.A!, pubs.Av, 'A:video', 'A-camera');
    connectPublisher(eps.A!, pubs.Aa, 'A:audio', 'A-camera');
    connectPublisher(eps.B!, pubs.Bv, 'B:video', 'B-camera');
    connectPublisher(eps.B!, pubs.Ba, 'B:audio', 'B-camera');
    for (const id of ['A', 'B', 'C']) subs[id] = new SyntheticSubscriber(`${id}-sub`, eps[id]!);
    await waitFor(() => Object.values(pubs).every((p) => p.isConnected()), T, 'publishers connected');
    pump = setInterval(() => {
      for (const p of [pubs.Av!, pubs.Bv!]) p.sendFrame();
      for (const p of [pubs.Aa!, pubs.Ba!]) p.sendFrame({ audioLevel });
    }, 20);
    router.subscribe('B', 'A:video');
    router.subscribe('B', 'A:audio');
    router.subscribe('C', 'A:video');
    router.subscribe('C', 'A:audio');
    router.subscribe('A', 'B:video');
    router.subscribe('A', 'B:audio');
    router.subscribe('C', 'B:video');
  });

  after(async () => {
    if (pump) clearInterval(pump);
    for (const s of Object.values(subs)) s.close();
    for (const p of Object.values(pubs)) p.close();
    sfu?.close();
    await waitFor(() => retainedTracks() === 0, T, 'synthetic peers closed').catch(() => {});
    nodeDataChannel.cleanup();
  });

  it('delivers every subscribed track to every subscriber on the one UDP port', async () => {
    const expected: Array<[string, string]> = [
      ['B', 'A:video'], ['B', 'A:audio'], ['C', 'A:video'], ['C', 'A:audio'], ['A', 'B:video'], ['A', 'B:audio'], ['C', 'B:video'],
    ];
    await waitFor(() => expected.every(([s, t]) => subs[s]!.count(t) > 10), T, 'packets on every subscription').catch((e) => {
      throw new Error(`${(e as Error).message}: ${expected.map(([s, t]) => `${s}<-${t}:${subs[s]!.count(t)}`).join(' ')}; pcs ${Object.values(subs).map((x) => x.pc.state())}`);
    });
    for (const [s, t] of expected) {
      const pkts = subs[s]!.packets(t);
      assert.equal(pkts[0]!.pt, t.endsWith('video') ? 96 : 111, `${s} ${t} payload type`);
      assert.equal(subs[s]!.mapping.get(subs[s]!.midOf(t)!)!.streamKey, t.startsWith('A') ? 'A-camera' : 'B-camera');
    }
    assert.equal(subs.C!.count('B:audio'), 0, 'C did not subscribe to B audio');
    for (const s of Object.values(subs)) {
      const pair = s.pc.getSelectedCandidatePair();
      assert.equal(pair?.remote.port, sfu.udpPort, 'subscriber talks to the SFU port');
    }
    for (const p of Object.values(pubs)) assert.equal(p.pc.getSelectedCandidatePair()?.remote.port, sfu.udpPort);
    // Default subscription to simulcast: the top layer (f, ssrc 3333, embedded in the payload).
    await waitFor(() => subs.C!.packets('A:video').some((p) => p.payload.readUInt32BE(24) === 3333), T, 'layer f at C');
    assert.deepEqual(events.trackPublished!.map((e) => e.trackId).sort(), ['A:audio', 'A:video', 'B:audio', 'B:video']);
    assert.equal(events.subscriptionStarted!.length, 7);
    const s = sfu.stats();
    assert.equal(s.endpoints, 3);
    assert.equal(s.publishedTracks, 4);
    assert.equal(s.subscriptions, 7);
    assert.equal(s.peerConnections, 4 + 3);
    assert.ok(s.forwardedPackets > 0 && s.forwardedBytes > s.forwardedPackets * 12);
  });

  it('switches simulcast layers on key frames with continuous sequence numbers and timestamps', async () => {
    const C = subs.C!;
    const layerAt = (i: number) => C.packets('A:video')[i]!.payload.readUInt32BE(24);
    const before = C.count('A:video');
    router.updateSubscription('C', 'A:video', { maxWidth: 320, maxHeight: 180 });
    await waitFor(() => events.layerSwitched!.some((e) => e.endpointId === 'C' && e.rid === 'q'), T, 'switch to q');
    await waitFor(() => C.count('A:video') > before + 30 && layerAt(C.count('A:video') - 1) === 1111, T, 'q packets');
    const switched = events.layerSwitched!.find((e) => e.endpointId === 'C' && e.rid === 'q')!;
    assert.deepEqual([switched.width, switched.height], [320, 180]);
    assert.deepEqual(router.listSubscriptions('C').find((x) => x.trackId === 'A:video')?.currentRid, 'q');
    // B still gets f: each subscriber has its own layer; dynacast needs q and f.
    await waitFor(() => events.layersNeeded!.some((e) => e.trackId === 'A:video' && e.rids.join() === 'q,f'), T, 'layersNeeded q,f');

    const mark = C.count('A:video');
    router.updateSubscription('C', 'A:video', { maxWidth: 1280, maxHeight: 720 });
    await waitFor(() => C.count('A:video') > mark + 30 && layerAt(C.count('A:video') - 1) === 3333, T, 'back to f');
    await waitFor(() => events.layersNeeded!.at(-1)?.rids.join() === 'f', T, 'layersNeeded f');

    const pkts = C.packets('A:video').slice(before - 5);
    let layerChanges = 0;
    for (let i = 1; i < pkts.length; i++) {
      const a = pkts[i - 1]!;
      const b = pkts[i]!;
      assert.equal(seqDiff(b.seq, a.seq), 1, `sequence continuous at ${i}`);
      const dt = tsDiff(b.ts, a.ts);
      assert.ok(dt >= 0 && dt <= 90000, `timestamp monotonic at ${i} (${dt})`);
      const dp = (b.pictureId - a.pictureId) & 0x7fff;
      assert.ok(dp === 0 || dp === 1, `picture id continuous at ${i} (${a.pictureId} → ${b.pictureId})`);
      if (a.payload.readUInt32BE(24) !== b.payload.readUInt32BE(24)) {
        layerChanges++;
        assert.equal(b.payload[5], 0x10, 'a layer change starts on a key frame (VP8 P bit 0)');
        assert.ok(dt > 0, 'a new frame after the switch has a later timestamp');
      }
    }
    assert.equal(layerChanges, 2);
  });

  it('forwards a subscriber PLI to the publisher', async () => {
    const n = pubs.Av!.plis.length;
    const plisReceived = sfu.stats().plisReceived;
    subs.C!.sendPli('A:video');
    await waitFor(() => sfu.stats().plisReceived > plisReceived, T, 'PLI at the SFU');
    await waitFor(() => pubs.Av!.plis.slice(n).includes(3333), T, 'PLI for layer f at the publisher');
  });

  it('answers NACKs from the packet cache, and asks the publisher for what is no longer cached', async () => {
    // D reaches the SFU through a relay that drops chosen packets (SRTP would reject a
    // retransmission of a packet that did arrive, as a replay).
    const proxy = await LossyProxy.start(sfu.udpPort);
    const D = new SyntheticSubscriber('D-sub', router.createEndpoint('D'), {
      hideCandidates: true,
      rewriteOffer: (sdp) => sdp.replace(new RegExp(`\\b${sfu.udpPort}\\b`, 'g'), String(proxy.port)),
    });
    try {
      router.subscribe('D', 'A:video', { maxWidth: 320, maxHeight: 180 });
      await waitFor(() => D.count('A:video') > 120, T, 'D receiving');
      const ssrc = D.ssrcByMid.get(D.midOf('A:video')!)!;
      const lost: number[] = [];
      proxy.dropDownstream = (pkt) => {
        const ids = rtpIds(pkt);
        if (!ids || ids.ssrc !== ssrc || lost.length >= 3 || ids.seq % 4 !== 0) return false;
        lost.push(ids.seq);
        return true;
      };
      await waitFor(() => lost.length === 3, T, 'three packets lost');
      const retrans = sfu.stats().retransmittedPackets;
      const nacks = sfu.stats().nacksReceived;
      D.sendNack('A:video', lost);
      await waitFor(() => lost.every((seq) => D.packets('A:video').some((p) => p.seq === seq)), T, 'retransmissions');
      assert.ok(sfu.stats().retransmittedPackets >= retrans + 3);
      assert.ok(sfu.stats().nacksReceived > nacks);
      const pk = D.packets('A:video');
      for (const seq of lost) {
        const p = pk.find((x) => x.seq === seq)!;
        const next = pk.find((x) => x.seq === ((seq + 1) & 0xffff));
        assert.equal(p.payload.readUInt32BE(24), 1111, 'the retransmission is a q packet');
        if (next && next.payload.readUInt32BE(24) === 1111) {
          assert.equal(p.payload.readUInt32BE(20), (next.payload.readUInt32BE(20) - 1) >>> 0, 'it is the missing source packet');
        }
      }

      // The cache holds 64 packets per layer: a packet ~100 packets old is gone, so the SFU NACKs
      // the publisher with the publisher's own sequence number (embedded in the payload).
      const old = pk[pk.length - 100]!;
      D.sendNack('A:video', [old.seq]);
      await waitFor(
        () => pubs.Av!.nacks.some((x) => x.ssrc === old.payload.readUInt32BE(24) && x.seq === old.payload.readUInt32BE(20)),
        T,
        'NACK relayed to the publisher',
      );
    } finally {
      D.close();
      router.getEndpoint('D')?.close();
      await proxy.close();
    }
  });

  it('forwards nothing from a paused (muted) track, then resumes continuously', async () => {
    const A = subs.A!;
    const C = subs.C!;
    router.setTrackPaused('B:video', true);
    assert.equal(router.getTrack('B:video')?.paused, true);
    const a0 = A.count('B:video');
    const c0 = C.count('B:video');
    const dropped0 = sfu.stats().droppedPackets;
    await waitFor(() => sfu.stats().droppedPackets >= dropped0 + 60, T, 'paused packets dropped at the SFU');
    // Packets already in flight when pausing may still land: allow the count to settle, then stay.
    const a1 = A.count('B:video');
    const c1 = C.count('B:video');
    assert.ok(a1 - a0 <= 4 && c1 - c0 <= 4, `nothing forwarded while paused (${a1 - a0}, ${c1 - c0})`);
    const d1 = sfu.stats().droppedPackets;
    await waitFor(() => sfu.stats().droppedPackets >= d1 + 40, T, 'more paused packets dropped');
    assert.equal(A.count('B:video'), a1);
    assert.equal(C.count('B:video'), c1);

    router.setTrackPaused('B:video', false);
    await waitFor(() => A.count('B:video') > a1 + 10 && C.count('B:video') > c1 + 10, T, 'resumed');
    const pk = A.packets('B:video');
    assert.equal(seqDiff(pk[a1]!.seq, pk[a1 - 1]!.seq), 1, 'no sequence gap across the mute');
    assert.equal(pk[a1]!.payload[5], 0x10, 'resumes on a key frame');
  });

  it('reports audio levels and speaking', async () => {
    await waitFor(() => events.audioLevel!.some((e) => e.trackId === 'A:audio' && e.speaking && e.level > 0.2), T, 'A speaking');
    const e = events.audioLevel!.find((x) => x.trackId === 'A:audio')!;
    assert.equal(e.endpointId, 'A');
    assert.equal(e.streamKey, 'A-camera');
    audioLevel = 127;
    const lastA = () => events.audioLevel!.filter((x) => x.trackId === 'A:audio').at(-1);
    await waitFor(() => lastA()?.speaking === false && lastA()?.level === 0, T, 'silence');
    audioLevel = 10;
    await waitFor(() => lastA()?.speaking === true, T, 'speaking again');
    router.setTrackPaused('A:audio', true);
    await waitFor(() => lastA()?.speaking === false && lastA()?.level === 0, T, 'a muted track does not speak');
    router.setTrackPaused('A:audio', false);
  });

  it('moves a subscriber reporting loss or a low REMB to a lower layer, and pauses a subscription', async () => {
    const B = subs.B!;
    const layerOf = (p: { payload: Buffer }) => p.payload.readUInt32BE(24);
    await waitFor(() => layerOf(B.packets('A:video').at(-1)!) === 3333, T, 'B on layer f');
    const switches = events.layerSwitched!.length;
    // Receiver reports with 50% loss: the budget drops under layer f's bitrate.
    for (let i = 0; i < 3; i++) B.sendReceiverReport('A:video', 0.5);
    await waitFor(() => events.layerSwitched!.slice(switches).some((e) => e.endpointId === 'B' && e.rid !== 'f'), T, 'B leaves f');
    await waitFor(() => layerOf(B.packets('A:video').at(-1)!) !== 3333, T, 'B gets a lower layer');
    // A REMB far below what is sent caps it to the lowest layer.
    B.sendRemb('A:video', 50_000);
    await waitFor(() => events.layerSwitched!.slice(switches).some((e) => e.endpointId === 'B' && e.rid === 'q'), T, 'B on q');
    assert.ok(sfu.stats().rembsReceived > 0);

    // Pausing the subscription stops it without renegotiation; resuming restarts on a key frame.
    const offers = B.offers;
    router.updateSubscription('B', 'A:video', { paused: true });
    const n0 = B.count('A:video');
    const f0 = sfu.stats().forwardedPackets;
    await waitFor(() => sfu.stats().forwardedPackets > f0 + 200, T, 'traffic flows elsewhere');
    assert.ok(B.count('A:video') - n0 <= 4, 'paused subscription receives nothing');
    const n1 = B.count('A:video');
    router.updateSubscription('B', 'A:video', {});
    await waitFor(() => B.count('A:video') > n1 + 10, T, 'resumed');
    const pk = B.packets('A:video');
    assert.equal(seqDiff(pk[n1]!.seq, pk[n1 - 1]!.seq), 1, 'no sequence gap across the pause');
    assert.equal(B.offers, offers, 'no renegotiation');
  });

  it('drops malformed and unknown packets and refuses bad API calls with codes', async () => {
    const before = sfu.stats();
    // libsrtp only protects packets with a sound RTP header (and sequence numbers in its window),
    // so this is what a peer can get through.
    pubs.Av!.sendRaw(Buffer.from([0x80, 96, 0, 2, 0, 0, 0, 0, 0, 0, 0x99, 0x99, 1, 2, 3])); // unknown SSRC, no rid
    const badPadding = Buffer.alloc(40, 7);
    badPadding.set([0xa0, 96, 0, 3, 0, 0, 0, 0, 0, 0, 0x88, 0x88], 0); // padding bit
    badPadding[39] = 250; // padding longer than the packet
    pubs.Av!.sendRaw(badPadding);
    const badVp8 = Buffer.from([0x80, 96, 0, 0, 0, 0, 0, 0, 0, 0, 0x04, 0x57, 0x90]); // SSRC 1111, VP8 descriptor cut short
    badVp8.writeUInt16BE((pubs.Av!.lastSeq(1111) + 300) & 0xffff, 2);
    pubs.Av!.sendRaw(badVp8);
    await waitFor(() => sfu.stats().unknownSsrcPackets > before.unknownSsrcPackets && sfu.stats().malformedPackets >= before.malformedPackets + 2, T, 'bad packets counted');
    const c = subs.C!.count('A:video');
    await waitFor(() => subs.C!.count('A:video') > c + 10, T, 'still forwarding');

    assert.equal(codeOf(() => router.subscribe('C', 'nope')), 'NOT_FOUND');
    assert.equal(codeOf(() => router.subscribe('Z', 'A:video')), 'NOT_FOUND');
    assert.equal(codeOf(() => router.subscribe('A', 'A:video')), 'INVALID_ARGUMENT');
    assert.equal(codeOf(() => router.subscribe('C', 'A:video')), 'CONFLICT');
    assert.equal(codeOf(() => router.subscribe('C', 'B:audio', { maxWidth: -1 })), 'INVALID_ARGUMENT');
    assert.equal(codeOf(() => router.updateSubscription('C', 'B:audio', {})), 'NOT_FOUND');
    assert.equal(codeOf(() => router.unsubscribe('C', 'B:audio')), 'NOT_FOUND');
    assert.equal(codeOf(() => router.setTrackPaused('nope', true)), 'NOT_FOUND');
    assert.equal(codeOf(() => eps.C!.publish({ trackId: 'C:x', kind: 'video', offer: 'v=0' })), 'INVALID_ARGUMENT');
    assert.equal(codeOf(() => eps.C!.publish({ trackId: 'A:video', kind: 'video', offer: pubs.Av!.pc.localDescription()!.sdp })), 'CONFLICT');
    assert.equal(codeOf(() => eps.C!.publish({ trackId: '', kind: 'video', offer: '' })), 'INVALID_ARGUMENT');
    assert.equal(codeOf(() => eps.C!.setSubscriberAnswer('v=0')), 'CONFLICT');
    assert.equal(codeOf(() => eps.C!.addIceCandidate({ publisher: 'nope' }, 'candidate:1 1 UDP 1 127.0.0.1 9 typ host')), 'NOT_FOUND');
    assert.equal(codeOf(() => eps.C!.addIceCandidate('subscriber', 'garbage')), 'INVALID_ARGUMENT');
    assert.equal(codeOf(() => router.createEndpoint('A')), 'CONFLICT');
    assert.equal(codeOf(() => sfu.createRouter('call-1')), 'CONFLICT');
    eps.C!.addIceCandidate('subscriber', ''); // end of candidates: accepted
    assert.equal(sfu.stats().subscriptions, 7, 'no state changed');
  });

  it('renegotiates on unsubscribe and reuses the m-line for the next subscription', async () => {
    const C = subs.C!;
    const mid = C.midOf('B:video')!;
    const offers = C.offers;
    router.unsubscribe('C', 'B:video');
    assert.ok(events.subscriptionEnded!.some((e) => e.endpointId === 'C' && e.trackId === 'B:video' && e.reason === 'unsubscribed'));
    await waitFor(() => C.offers > offers && eps.C!.pendingSubscriberOffer() === undefined, T, 'inactive offer answered');
    const c0 = C.count('B:video');
    router.subscribe('C', 'B:audio');
    await waitFor(() => C.count('B:audio') > 5, T, 'B audio at C');
    router.subscribe('C', 'B:video');
    await waitFor(() => eps.C!.pendingSubscriberOffer() === undefined && C.midOf('B:video') === mid, T, 'same m-line');
    await waitFor(() => C.count('B:video') > c0 + 10, T, 'B video at C again');
    assert.equal(C.tracks.size, 4, 'four m-lines for four concurrent subscriptions at most');
  });

  it('ends subscriptions when a publisher leaves, and closing returns every counter to zero', async () => {
    const ended = events.subscriptionEnded!.length;
    eps.B!.close();
    assert.equal(eps.B!.closed, true);
    assert.ok(events.subscriptionEnded!.slice(ended).filter((e) => e.reason === 'unpublished').length >= 3);
    assert.equal(router.getTrack('B:video'), undefined);
    eps.A!.close();
    eps.C!.close();
    // libdatachannel reports each Track's close asynchronously.
    await waitFor(() => sfu.stats().tracks === 0, T, 'every Track released');
    const s = sfu.stats();
    assert.equal(s.endpoints, 0);
    assert.equal(s.peerConnections, 0);
    assert.equal(s.publishedTracks, 0);
    assert.equal(s.subscriptions, 0);
    assert.equal(s.cachedPackets, 0);
    assert.equal(s.timers, 1, 'only the SFU tick remains');
    router.close();
    assert.equal(sfu.stats().routers, 0);
    const port = sfu.udpPort;
    sfu.close();
    assert.equal(sfu.stats().timers, 0);
    // The UDP port is released once the last peer connection is gone.
    await waitForPortFree(port);
  });
});

async function waitForPortFree(port: number): Promise<void> {
  const free = () =>
    new Promise<boolean>((resolve) => {
      const s = dgram.createSocket('udp4');
      s.once('error', () => {
        s.close();
        resolve(false);
      });
      s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  const start = Date.now();
  while (!(await free())) {
    if (Date.now() - start > T) throw new Error(`UDP port ${port} still bound`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
