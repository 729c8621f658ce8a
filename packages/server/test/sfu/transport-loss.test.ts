/**
 * Connections that go away without the calls layer saying so: losing the subscriber connection
 * closes the endpoint and frees everything; losing a publisher connection unpublishes only that
 * track. Takes about 35 s: ICE consent freshness is what notices a silent peer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import nodeDataChannel from 'node-datachannel';
import { createSfu, type EndpointEvents, type Router, type RouterEvents, type Sfu } from '../../src/sfu/index.js';
import { connectPublisher, retainedTracks, SyntheticPublisher, SyntheticSubscriber, waitFor } from './helpers/synthetic.js';

const T = 10_000;
/** libjuice declares a silent peer gone after its 30 s consent timeout. */
const LOSS_T = 60_000;

describe('SFU when a browser drops a connection', () => {
  let sfu: Sfu;
  let router: Router;
  let pump: NodeJS.Timeout | undefined;
  const pubs: SyntheticPublisher[] = [];
  const subs: SyntheticSubscriber[] = [];

  before(async () => {
    sfu = await createSfu({ udpPort: 0, bindAddress: '127.0.0.1', announcedAddress: '127.0.0.1' });
    router = sfu.createRouter('r');
  });

  after(async () => {
    if (pump) clearInterval(pump);
    for (const s of subs) s.close();
    for (const p of pubs) p.close();
    sfu.close();
    await waitFor(() => retainedTracks() === 0, T, 'test peers closed').catch(() => {});
    nodeDataChannel.cleanup();
  });

  it('unpublishes a track whose connection is lost, and closes an endpoint whose subscriber connection is lost', async () => {
    const A = router.createEndpoint('A');
    const B = router.createEndpoint('B');
    const cam = new SyntheticPublisher('A-cam', 'video', [{ rid: '', ssrc: 10, width: 320, height: 240, packetsPerFrame: 1 }]);
    const screen = new SyntheticPublisher('A-screen', 'video', [{ rid: '', ssrc: 20, width: 640, height: 480, packetsPerFrame: 1 }]);
    pubs.push(cam, screen);
    connectPublisher(A, cam, 'A:camera', 'camera');
    connectPublisher(A, screen, 'A:screen', 'screen');
    await waitFor(() => cam.isConnected() && screen.isConnected(), T, 'publishers connected');
    pump = setInterval(() => pubs.forEach((p) => p.sendFrame()), 20);
    const sub = new SyntheticSubscriber('B-sub', B);
    subs.push(sub);
    router.subscribe('B', 'A:camera');
    router.subscribe('B', 'A:screen');
    await waitFor(() => sub.count('A:camera') > 5 && sub.count('A:screen') > 5, T, 'B receiving');

    // A's screen-share connection and B's subscriber connection vanish without a word (the
    // peers stop answering, as after a crash or a network loss; libdatachannel peers send no DTLS
    // close_notify). ICE consent freshness fails after 30 s (libjuice CONSENT_TIMEOUT).
    const ended: Array<RouterEvents['subscriptionEnded']> = [];
    router.on('subscriptionEnded', (e) => ended.push(e));
    const aIce: Array<EndpointEvents['iceStateChange']> = [];
    A.on('iceStateChange', (e) => aIce.push(e));
    const closed: Array<EndpointEvents['closed']> = [];
    B.on('closed', (e) => closed.push(e));
    const sub2 = new SyntheticSubscriber('C-sub', router.createEndpoint('C'));
    subs.push(sub2);
    router.subscribe('C', 'A:camera');
    router.subscribe('C', 'A:screen');
    await waitFor(() => sub2.count('A:camera') > 5 && sub2.count('A:screen') > 5, T, 'C receiving');
    screen.close();
    sub.close();
    await waitFor(() => router.getTrack('A:screen') === undefined && B.closed, LOSS_T, 'screen unpublished and B closed');

    // Only the screen track went: A is still there and C still gets A's camera.
    assert.ok(aIce.some((e) => e.transport === 'publisher' && e.trackId === 'A:screen' && e.state === 'failed'));
    assert.ok(ended.some((e) => e.endpointId === 'C' && e.trackId === 'A:screen' && e.reason === 'unpublished'));
    assert.equal(A.closed, false);
    const n = sub2.count('A:camera');
    await waitFor(() => sub2.count('A:camera') > n + 5, T, 'camera still flowing');

    // B's endpoint closed itself and freed its subscriptions.
    assert.deepEqual(closed, [{ reason: 'ice-failed' }]);
    assert.equal(router.getEndpoint('B'), undefined);
    assert.deepEqual(router.listSubscriptions('B'), []);
    assert.equal(sfu.stats().subscriptions, 1, "only C's camera subscription is left");

    router.getEndpoint('C')!.close();
    A.close();
    await waitFor(() => sfu.stats().tracks === 0, T, 'tracks released');
    const s = sfu.stats();
    assert.deepEqual([s.endpoints, s.peerConnections, s.publishedTracks, s.cachedPackets], [0, 0, 0, 0]);
  });
});
