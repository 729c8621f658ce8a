/**
 * `/metrics` of a real server process: valid Prometheus text with what issue 6 lists, and SFU
 * counters that move when media flows (synthetic participants of the load tool, in this process).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitUntil } from '../../../e2e/helpers/wait.js';
import { LoadRun } from '../src/load/load-run.js';
import { parsePrometheus, sample, type Samples } from '../src/load/prometheus.js';
import { openRtcObjects, shutdownRtc } from '../src/load/rtc.js';
import { demoTokens } from '../src/load/tokens.js';
import { ensureServerBuilt, startServerProcess, type ServerProcess } from './helpers.js';

const REQUIRED = [
  'confab_calls',
  'confab_participants',
  'confab_connections',
  'confab_sfu_endpoints',
  'confab_sfu_tracks',
  'confab_sfu_published_tracks',
  'confab_sfu_subscriptions',
  'confab_sfu_forwarded_packets_total',
  'confab_sfu_forwarded_bytes_total',
  'confab_sfu_dropped_packets_total',
  'confab_sfu_nacks_received_total',
  'confab_sfu_nacks_sent_total',
  'confab_sfu_retransmitted_packets_total',
  'confab_sfu_plis_received_total',
  'confab_sfu_plis_sent_total',
  'confab_process_cpu_seconds_total',
  'confab_process_resident_memory_bytes',
  'confab_nodejs_eventloop_lag_p99_seconds',
];

describe('/metrics', () => {
  let server: ServerProcess | undefined;
  let run: LoadRun | undefined;
  const scrape = async (): Promise<Samples> => parsePrometheus(await (await fetch(`${server!.url}/metrics`)).text());

  before(async () => {
    ensureServerBuilt();
    server = await startServerProcess();
  });
  after(async () => {
    await run?.close();
    await shutdownRtc();
    await server?.stop();
  });

  it('is valid Prometheus text with calls, participants, SFU, join latency, process and event-loop metrics', async () => {
    const text = await (await fetch(`${server!.url}/metrics`)).text();
    const samples = parsePrometheus(text);
    for (const name of REQUIRED) assert.ok(samples.has(name), `${name} missing`);
    assert.match(text, /^# TYPE confab_signal_request_duration_seconds histogram$/m);
    assert.equal(sample(samples, 'confab_sfu_endpoints'), 0);
  });

  it('moves its SFU gauges and counters when media flows, and the gauges return to zero after', async () => {
    const before = await scrape();
    run = new LoadRun({
      baseUrl: server!.url,
      callType: 'default',
      callId: 'metrics-traffic',
      tokens: demoTokens(server!.url),
      bindAddress: '127.0.0.1',
      videoKbps: 1700,
      audioOnly: false,
      lossPct: 10, // through the --loss relay, so subscribers NACK and the SFU retransmits
    });
    const everyone = [...run.add('pub', 1, ['audio', 'video']), ...run.add('sub', 2, [])];
    await run.join(everyone, 20);
    assert.equal(run.totals().joined, 3, everyone.map((p) => p.error?.message).join(' | '));
    await waitUntil(() => run!.settled(), 'media to reach both subscribers', 20_000);

    const during = await waitUntil(async () => {
      const s = await scrape();
      const grew = (name: string, by: number) => sample(s, name) - sample(before, name) > by;
      return grew('confab_sfu_retransmitted_packets_total', 0) && grew('confab_sfu_forwarded_packets_total', 500) ? s : null;
    }, 'the SFU to forward 500 packets and answer NACKs from its cache', 20_000);
    // A labelled series appears with its first sample: absent before means 0.
    const moved = (name: string) => sample(during, name) - (before.get(name) ?? 0);
        assert.ok(moved('confab_sfu_forwarded_bytes_total') > 500 * 50);
    assert.ok(moved('confab_sfu_nacks_received_total') > 0);
    assert.ok(moved('confab_sfu_plis_sent_total') > 0, 'new subscriptions ask the publisher for key frames');
    assert.ok(moved('confab_process_cpu_seconds_total') > 0);
    assert.ok(moved('confab_signal_requests_total{type="call.join",outcome="ok"}') >= 3);
    assert.ok(moved('confab_signal_request_duration_seconds_count{type="call.join"}') >= 3);
    assert.equal(sample(during, 'confab_participants'), 3);
    assert.equal(sample(during, 'confab_sfu_endpoints'), 3);
    assert.equal(sample(during, 'confab_sfu_published_tracks'), 2);
    // Each subscriber receives audio and video; the publisher has nobody to receive.
    assert.equal(sample(during, 'confab_sfu_subscriptions'), 4);

    await run.close();
    run = undefined;
    const afterwards = await waitUntil(async () => {
      const s = await scrape();
      return sample(s, 'confab_sfu_endpoints') === 0 && sample(s, 'confab_sfu_tracks') === 0 ? s : null;
    }, 'SFU endpoints and tracks to be released', 10_000);
    assert.equal(sample(afterwards, 'confab_participants'), 0);
    assert.equal(sample(afterwards, 'confab_sfu_subscriptions'), 0);
    assert.equal(sample(afterwards, 'confab_sfu_peer_connections'), 0);
    assert.equal(openRtcObjects().peers, 0, 'the load side closed every peer connection');
  });
});
