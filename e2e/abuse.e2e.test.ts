import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { demoToken, startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { waitUntil } from './helpers/wait.js';

/** A raw WebSocket that records replies and its close code. */
function rawSocket(url: string) {
  const ws = new WebSocket(url);
  const replies: any[] = [];
  let closeCode: number | null = null;
  ws.on('message', (d) => replies.push(JSON.parse(String(d))));
  ws.on('close', (code) => (closeCode = code));
  ws.on('error', () => undefined);
  return {
    ws,
    replies,
    closed: () => closeCode,
    opened: () => new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject))),
  };
}

async function healthy(server: ServerProcess): Promise<boolean> {
  const res = await fetch(`${server.url}/healthz`);
  return res.ok && ((await res.json()) as any).status === 'ok';
}

describe('abuse: the server stays up, bounded and usable', () => {
  let server: ServerProcess;
  let wsUrl: string;
  before(async () => {
    server = await startServerProcess({ env: { CONFAB_AUTH_TIMEOUT_MS: '1000', CONFAB_HTTP_RATE_LIMIT: '50' } });
    wsUrl = `${server.url.replace('http', 'ws')}/rtc?access_token=${await demoToken(server, 'abuser')}`;
  });
  after(async () => {
    await server?.stop();
  });

  it('answers 200 junk messages with errors and stays usable', async () => {
    const s = rawSocket(wsUrl);
    await s.opened();
    await waitUntil(() => s.replies.some((r) => r.type === 'connection.ok'), 'connection.ok');
    const junk = ['', '{', 'null', '[1,2]', '{"type":5}', '{"type":"nope","requestId":"x"}', '{"type":"call.join","requestId":"y","payload":{"type":"BAD"}}', '\u0000\u0001', '{"type":"signal","requestId":"z","payload":{"cid":"p2p:x","to":"s"}}'];
    for (let i = 0; i < 200; i++) s.ws.send(junk[i % junk.length]! + (i % 3 === 0 ? '' : ' '));
    await waitUntil(() => s.replies.filter((r) => r.type === 'response' && r.ok === false).length >= 200, '200 error replies');
    for (const r of s.replies.filter((r) => r.type === 'response')) assert.ok(['INVALID_ARGUMENT', 'NOT_FOUND', 'RATE_LIMITED'].includes(r.error.code), JSON.stringify(r));
    s.ws.send(JSON.stringify({ type: 'ping', requestId: 'alive', payload: {} }));
    await waitUntil(() => s.replies.some((r) => r.requestId === 'alive' && r.ok), 'ping after junk');
    assert.equal(s.closed(), null);
    s.ws.close();
  });

  it('closes a 2 MiB message with 1009', async () => {
    const s = rawSocket(wsUrl);
    await s.opened();
    s.ws.send('x'.repeat(2 * 1024 * 1024));
    await waitUntil(() => s.closed() !== null, 'close');
    assert.equal(s.closed(), 1009);
  });

  it('rate limits a flood, not the server', async () => {
    const s = rawSocket(wsUrl);
    await s.opened();
    for (let i = 0; i < 3000; i++) s.ws.send(JSON.stringify({ type: 'ping', requestId: `f${i}`, payload: {} }));
    await waitUntil(() => s.replies.filter((r) => r.type === 'response').length >= 3000, 'every flood message answered', 20_000);
    const limited = s.replies.filter((r) => r.error?.code === 'RATE_LIMITED').length;
    assert.ok(limited > 2000, `${limited} rate limited`);
    assert.ok(await healthy(server));
    s.ws.close();
  });

  it('closes 1,000 idle unauthenticated connections with bounded memory', async () => {
    const rssBefore = server.rssMb();
    const sockets = Array.from({ length: 1000 }, () => rawSocket(`${server.url.replace('http', 'ws')}/rtc`));
    await waitUntil(() => sockets.every((s) => s.closed() !== null || s.ws.readyState === WebSocket.CLOSED), 'all idle sockets closed', 20_000, 100);
    const refusedAtDoor = sockets.filter((s) => s.closed() === 1006).length;
    const timedOut = sockets.filter((s) => s.closed() === 4001).length;
    assert.equal(refusedAtDoor + timedOut, 1000, `refused ${refusedAtDoor}, timed out ${timedOut}`);
    assert.ok(timedOut > 0 && refusedAtDoor > 0);
    assert.ok(await healthy(server));
    const growth = server.rssMb() - rssBefore;
    assert.ok(growth < 64, `server RSS grew by ${growth.toFixed(1)} MiB`);
  });

  it('rate limits a REST flood with 429 RATE_LIMITED', async () => {
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        fetch(`${server.url}/api/demo/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: `u${i}` }) }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as any,
        })),
      ),
    );
    const limited = results.filter((r) => r.status === 429);
    assert.ok(limited.length > 0 && limited.length < 300, `${limited.length} limited`);
    assert.equal(limited[0]!.body.error.code, 'RATE_LIMITED');
    assert.ok(await healthy(server));
  });
});
