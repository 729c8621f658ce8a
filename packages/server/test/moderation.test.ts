import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer, type TestSocket } from './helpers/test-server.js';

describe('roles, moderation and messaging', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.stop();
  });

  async function connect(userId: string, role?: 'admin' | 'host' | 'user' | 'guest'): Promise<TestSocket> {
    const s = await t.connect(await t.token(userId, role ? { role } : {}));
    await s.waitForEvent('connection.ok');
    return s;
  }

  async function room(id: string, ...sockets: TestSocket[]): Promise<string[]> {
    const ids: string[] = [];
    for (const [i, s] of sockets.entries()) ids.push((await s.ok('call.join', { type: 'p2p', id, create: i === 0 })).sessionId);
    return ids;
  }

  it('tells each participant what it may do', async () => {
    const host = await connect('cap-host');
    const guest = await connect('cap-guest', 'guest');
    const h = await host.ok('call.join', { type: 'p2p', id: 'caps', create: true });
    const g = await guest.ok('call.join', { type: 'p2p', id: 'caps' });
    assert.ok(h.ownCapabilities.includes('kick') && h.ownCapabilities.includes('end-call'));
    assert.ok(!g.ownCapabilities.includes('publish-audio') && g.ownCapabilities.includes('join-call'));
  });

  it('lets the creator kick and block; the blocked user cannot rejoin until unblocked', async () => {
    const host = await connect('k-host');
    const bob = await connect('k-bob');
    const carol = await connect('k-carol');
    const [, bobSession] = await room('kick', host, bob, carol);
    const refused = await carol.request('moderation.kick', { cid: 'p2p:kick', userId: 'k-bob' });
    assert.equal(refused.error?.code, 'FORBIDDEN');
    await host.ok('moderation.kick', { cid: 'p2p:kick', userId: 'k-bob', block: true });
    const kicked = await bob.waitForEvent('kicked');
    assert.deepEqual(kicked.payload, { cid: 'p2p:kick', by: 'k-host', blocked: true });
    const left = await carol.waitForEvent('participant.left', (p) => p.sessionId === bobSession);
    assert.equal(left.payload.reason, 'kicked');
    const rejoin = await bob.request('call.join', { type: 'p2p', id: 'kick' });
    assert.equal(rejoin.error?.code, 'FORBIDDEN');
    await host.ok('moderation.unblock', { cid: 'p2p:kick', userId: 'k-bob' });
    assert.ok((await bob.ok('call.join', { type: 'p2p', id: 'kick' })).sessionId);
  });

  it('mutes someone, who may unmute; censors someone, who may not until uncensored', async () => {
    const host = await connect('m-host');
    const bob = await connect('m-bob');
    await room('mute', host, bob);
    await bob.ok('tracks.update', { cid: 'p2p:mute', publishedTracks: ['audio', 'video'], streams: [] });
    await host.ok('moderation.mute', { cid: 'p2p:mute', userId: 'm-bob', kind: 'audio' });
    assert.deepEqual((await bob.waitForEvent('track.muted')).payload, { cid: 'p2p:mute', kind: 'audio', by: 'm-host' });
    await host.waitForEvent('track.unpublished', (p) => p.kind === 'audio');
    await bob.ok('tracks.update', { cid: 'p2p:mute', publishedTracks: ['audio', 'video'], streams: [] });

    await host.ok('moderation.censor', { cid: 'p2p:mute', userId: 'm-bob', kind: 'video', censored: true });
    await bob.waitForEvent('track.censored', (p) => p.kind === 'video');
    const caps = await bob.waitForEvent('capabilities.updated');
    assert.ok(!caps.payload.capabilities.includes('publish-video'));
    await host.waitForEvent('track.unpublished', (p) => p.kind === 'video');
    const again = await bob.request('tracks.update', { cid: 'p2p:mute', publishedTracks: ['audio', 'video'], streams: [] });
    assert.equal(again.error?.code, 'FORBIDDEN');
    const updated = host.received.filter((m) => m.type === 'participant.updated').at(-1)!;
    assert.deepEqual(updated.payload.participant.censoredTracks, ['video']);
    await host.ok('moderation.censor', { cid: 'p2p:mute', userId: 'm-bob', kind: 'video', censored: false });
    await bob.waitForEvent('track.uncensored');
    await bob.ok('tracks.update', { cid: 'p2p:mute', publishedTracks: ['audio', 'video'], streams: [] });
    const userMute = await bob.request('moderation.mute', { cid: 'p2p:mute', userId: 'm-host', kind: 'audio' });
    assert.equal(userMute.error?.code, 'FORBIDDEN');
  });

  it('lets a guest publish only once a host grants it', async () => {
    const host = await connect('g-host');
    const guest = await connect('g-guest', 'guest');
    await host.ok('call.join', { type: 'p2p', id: 'guest', create: true });
    const publishing = await guest.request('call.join', { type: 'p2p', id: 'guest', publish: { publishedTracks: ['audio'], streams: [] } });
    assert.equal(publishing.error?.code, 'FORBIDDEN');
    await guest.ok('call.join', { type: 'p2p', id: 'guest' });
    assert.equal((await guest.request('tracks.update', { cid: 'p2p:guest', publishedTracks: ['audio'], streams: [] })).error?.code, 'FORBIDDEN');
    await guest.ok('permission.request', { cid: 'p2p:guest', capabilities: ['publish-audio', 'publish-video'] });
    const asked = await host.waitForEvent('permission.requested');
    assert.deepEqual(asked.payload.capabilities, ['publish-audio', 'publish-video']);
    await host.ok('permission.update', { cid: 'p2p:guest', userId: 'g-guest', grant: ['publish-audio'], deny: ['publish-video'] });
    const caps = await guest.waitForEvent('capabilities.updated');
    assert.ok(caps.payload.capabilities.includes('publish-audio'));
    assert.deepEqual((await guest.waitForEvent('permission.denied')).payload.capabilities, ['publish-video']);
    await guest.ok('tracks.update', { cid: 'p2p:guest', publishedTracks: ['audio'], streams: [] });
    assert.equal((await guest.request('tracks.update', { cid: 'p2p:guest', publishedTracks: ['audio', 'video'], streams: [] })).error?.code, 'FORBIDDEN');
    await host.ok('permission.update', { cid: 'p2p:guest', userId: 'g-guest', revoke: ['publish-audio'] });
    await host.waitForEvent('track.unpublished', (p) => p.kind === 'audio');
    const refused = await guest.request('permission.update', { cid: 'p2p:guest', userId: 'g-guest', grant: ['kick'] });
    assert.equal(refused.error?.code, 'FORBIDDEN');
  });

  it('keeps chat history, with private messages only for their sender and recipients', async () => {
    const a = await connect('q-a');
    const b = await connect('q-b');
    const c = await connect('q-c');
    await room('history', a, b, c);
    for (let i = 1; i <= 5; i++) await a.ok('message.send', { cid: 'p2p:history', data: { i } });
    await a.ok('message.send', { cid: 'p2p:history', data: { secret: true }, to: ['q-b'] });
    await a.ok('event.send', { cid: 'p2p:history', data: { reaction: 'clap' } });
    const custom = await c.waitForEvent('custom');
    assert.deepEqual(custom.payload.data, { reaction: 'clap' });
    const all = (await b.ok('message.query', { cid: 'p2p:history' })).messages;
    assert.equal(all.length, 6);
    const forC = (await c.ok('message.query', { cid: 'p2p:history' })).messages;
    assert.deepEqual(forC.map((m: any) => m.data.i), [1, 2, 3, 4, 5]);
    const page = (await c.ok('message.query', { cid: 'p2p:history', before: forC[3].seq, limit: 2 })).messages;
    assert.deepEqual(page.map((m: any) => m.data.i), [2, 3]);
  });

  it('lets the host update custom data and settings, told to everyone; refuses a plain user', async () => {
    const host = await connect('u-host');
    const bob = await connect('u-bob');
    await room('update', host, bob);
    const refused = await bob.request('call.update', { cid: 'p2p:update', custom: { topic: 'mine now' } });
    assert.equal(refused.error?.code, 'FORBIDDEN');
    const { call } = await host.ok('call.update', { cid: 'p2p:update', custom: { topic: 'retro' }, settings: { ringTimeoutMs: 5000 } });
    assert.deepEqual(call.custom, { topic: 'retro' });
    assert.equal(call.settings.ringTimeoutMs, 5000);
    const told = await bob.waitForEvent('call.updated');
    assert.deepEqual(told.payload.call.custom, { topic: 'retro' });
    assert.deepEqual((await bob.ok('call.get', { type: 'p2p', id: 'update' })).call.custom, { topic: 'retro' });
  });

  it('rate limits one user sending too fast, whatever the connection', async () => {
    const a1 = await connect('rl-a');
    const a2 = await connect('rl-a');
    await room('rate', a1, a2);
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a1 : a2).request('message.send', { cid: 'p2p:rate', data: { i } })));
    const limited = results.filter((r) => r.error?.code === 'RATE_LIMITED').length;
    assert.ok(limited > 0 && limited < 60, `${limited} limited`);
  });
});
