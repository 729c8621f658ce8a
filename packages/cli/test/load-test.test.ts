/**
 * `confab load-test` as users run it: a child process against a real server process.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freeTcpPort } from '../../../e2e/helpers/ports.js';
import { ensureServerBuilt, runCli, startServerProcess, type ServerProcess } from './helpers.js';

describe('confab load-test against a real server', () => {
  let server: ServerProcess | undefined;

  before(async () => {
    ensureServerBuilt();
    server = await startServerProcess();
  });
  after(async () => {
    await server?.stop();
  });

  it('4 publishers × 8 subscribers for 15 s: every subscriber gets every track, loss under 1%, the JSON has every field, exit 0', async () => {
    const r = await runCli(['load-test', '--url', server!.url, '--publishers', '4', '--subscribers', '8', '--duration', '15', '--ramp', '20', '--json'], 90_000);
    const context = `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr.slice(-2000)}\nserver:\n${server!.output().slice(-2000)}`;
    assert.equal(r.code, 0, context);
    const lines = r.stdout.trim().split('\n');
    const json = JSON.parse(lines.at(-1)!);
    assert.deepEqual(Object.keys(json), ['publishers', 'subscribers', 'joinMs', 'tracks', 'packets', 'lossPct', 'jitterMs', 'nacks', 'plis', 'server'], context);
    assert.deepEqual(Object.keys(json.joinMs), ['p50', 'p95', 'max']);
    assert.deepEqual(Object.keys(json.tracks), ['expected', 'receiving']);
    assert.deepEqual(Object.keys(json.packets), ['sent', 'received', 'lost']);
    assert.deepEqual(Object.keys(json.server), ['cpuPct', 'rssMb']);
    assert.equal(json.publishers, 4);
    assert.equal(json.subscribers, 8);
    // Each of the 8 subscribers receives audio + video of the 4 publishers (64), and each
    // publisher those of the 3 others (24).
    assert.equal(json.tracks.expected, 8 * 4 * 2 + 4 * 3 * 2, context);
    assert.equal(json.tracks.receiving, json.tracks.expected, context);
    assert.ok(json.lossPct < 1, `loss ${json.lossPct}%\n${context}`);
    // 15 s of 4 publishers (audio 50/s + at least two video layers) reach 88 receivers.
    assert.ok(json.packets.sent > 4 * 15 * 100, context);
    assert.ok(json.packets.received > 88 * 15 * 40, context);
    for (const v of [json.joinMs.p50, json.joinMs.p95, json.joinMs.max, json.jitterMs, json.server.cpuPct, json.server.rssMb]) {
      assert.equal(typeof v, 'number', context);
      assert.ok(Number.isFinite(v) && v >= 0, context);
    }
    assert.ok(json.joinMs.p50 <= json.joinMs.p95 && json.joinMs.p95 <= json.joinMs.max);
    assert.ok(json.plis >= 4, 'publishers were asked for key frames by the SFU');
    assert.ok(json.server.rssMb > 10);
    // The human table comes before the JSON line.
    assert.match(r.stdout, /^tracks\s+88\/88 receiving$/m);
  });

  it('leaves nothing behind in the server: participants and SFU endpoints are back to zero', async () => {
    const metrics = await (await fetch(`${server!.url}/metrics`)).text();
    assert.match(metrics, /^confab_participants 0$/m);
    assert.match(metrics, /^confab_sfu_endpoints 0$/m);
  });
});

describe('confab load-test against a server that is down', () => {
  it('exits non-zero with one clear line and no stack trace', async () => {
    const port = await freeTcpPort();
    const r = await runCli(['load-test', '--url', `http://127.0.0.1:${port}`, '--duration', '1'], 30_000);
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^confab load-test: cannot reach the Confab server at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});
