import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer, type TestSocket } from './helpers/test-server.js';

describe('SFU signalling: bad input is refused with a code and changes nothing', () => {
  let t: TestServer;
  let a: TestSocket;
  let b: TestSocket;
  let bSession: string;

  before(async () => {
    t = await startTestServer();
    a = await t.connect(await t.token('sa'));
    b = await t.connect(await t.token('sb'));
    await a.ok('call.join', { type: 'default', id: 'bad-sfu', create: true });
    bSession = (await b.ok('call.join', { type: 'default', id: 'bad-sfu' })).sessionId;
    await a.ok('call.join', { type: 'p2p', id: 'not-sfu', create: true });
  });
  after(async () => {
    await t.stop();
  });

  const code = async (s: TestSocket, type: string, payload: unknown) => (await s.request(type, payload)).error?.code ?? 'ok';

  it('refuses a subscription to a participant or track that does not exist', async () => {
    assert.equal(await code(a, 'sfu.subscribe', { cid: 'default:bad-sfu', sessionId: 'nobody', kind: 'video' }), 'NOT_FOUND');
    assert.equal(await code(a, 'sfu.subscribe', { cid: 'default:bad-sfu', sessionId: bSession, kind: 'video' }), 'NOT_FOUND');
    assert.equal(await code(a, 'sfu.unsubscribe', { cid: 'default:bad-sfu', sessionId: bSession, kind: 'screen' }), 'NOT_FOUND');
  });

  it('refuses malformed SDP, answers without an offer, and junk candidates', async () => {
    assert.equal(await code(a, 'sfu.publish', { cid: 'default:bad-sfu', kind: 'video', offer: 'this is not sdp' }), 'INVALID_ARGUMENT');
    assert.equal(await code(a, 'sfu.answer', { cid: 'default:bad-sfu', sdp: 'v=0\r\n' }), 'CONFLICT');
    const junk = await code(a, 'sfu.candidate', { cid: 'default:bad-sfu', target: 'subscriber', candidate: 'candidate:garbage' });
    assert.ok(['ok', 'INVALID_ARGUMENT', 'NOT_FOUND'].includes(junk), junk);
    assert.equal(await code(a, 'sfu.candidate', { cid: 'default:bad-sfu', target: 'audio', candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' }), 'NOT_FOUND');
  });

  it('refuses SFU requests in a p2p call and from outside the call', async () => {
    assert.equal(await code(a, 'sfu.publish', { cid: 'p2p:not-sfu', kind: 'audio', offer: 'v=0\r\n' }), 'INVALID_ARGUMENT');
    const outsider = await t.connect(await t.token('outsider'));
    assert.equal(await code(outsider, 'sfu.subscribe', { cid: 'default:bad-sfu', sessionId: bSession, kind: 'audio' }), 'NOT_FOUND');
  });

  it('keeps the endpoints intact after all of that', async () => {
    const stats = (t.server as any).metrics as { text(): Promise<string> };
    const text = await stats.text();
    assert.match(text, /^confab_sfu_endpoints 2$/m);
    assert.ok((await a.ok('ping')).now > 0);
  });
});
