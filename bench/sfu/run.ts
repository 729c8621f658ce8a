/**
 * SFU forwarding benchmark.
 *
 *   node --import tsx --conditions=development bench/sfu/run.ts [--json] [--profile]
 *        [--publishers 4] [--subscribers 8] [--pps 1000] [--bytes 1000] [--seconds 6] [--rounds 3]
 *
 * Same synthetic traffic (node-datachannel publishers sending VP8 RTP, subscribers receiving
 * every publisher) through the real SFU and through a bare relay (receive, rewrite SSRC, send),
 * each in its own child process whose CPU time (all threads) is measured per forwarded packet.
 * Prints a table, then one JSON line: {"forwardedPpsPerCore", "cpuPerPacketUs",
 * "baselineCpuPerPacketUs", "ratio"}. --profile writes V8 CPU profiles of both processes to
 * .tmp/sfu-bench-profiles and prints their heaviest functions.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runLoad, type LoadResult, type Scenario } from './load.js';
import { measureHotPath } from './hot-path.js';
import { summariseProfile } from './profile-summary.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    publishers: { type: 'string', default: '4' },
    subscribers: { type: 'string', default: '8' },
    pps: { type: 'string', default: '1000' },
    bytes: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '6' },
    rounds: { type: 'string', default: '3' },
  },
});

const profileDir = values.profile ? path.resolve('.tmp/sfu-bench-profiles') : undefined;
const scenario: Scenario = {
  publishers: Number(values.publishers),
  subscribers: Number(values.subscribers),
  pps: Number(values.pps),
  packetBytes: Number(values.bytes),
  warmupMs: 2000,
  measureMs: Number(values.seconds) * 1000,
  profileDir,
};
const rounds = Math.max(1, Number(values.rounds));
const log = (msg: string) => console.error(`bench/sfu: ${msg}`);

interface Row {
  mode: string;
  sentPps: number;
  cpuPerPacketUs: number;
  forwardedPps: number;
  cpuPercent: number;
  delivered: number;
}

function row(r: LoadResult): Row {
  const m = r.measurement;
  return {
    mode: r.mode,
    sentPps: (r.sent * 1000) / m.wallMs,
    cpuPerPacketUs: m.forwardedPackets > 0 ? m.cpuUs / m.forwardedPackets : Infinity,
    forwardedPps: (m.forwardedPackets * 1000) / m.wallMs,
    cpuPercent: (m.cpuUs / 1000 / m.wallMs) * 100,
    delivered: r.sent > 0 ? r.received / (r.sent * scenario.subscribers) : 0,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  log(
    `${scenario.publishers} publishers × ${scenario.pps} pps (${scenario.packetBytes} B) → ${scenario.subscribers} subscribers each receiving every publisher; ${rounds} round(s) of ${scenario.measureMs / 1000} s`,
  );
  const rows: Row[] = [];
  for (let i = 0; i < rounds; i++) {
    // Alternate the order so neither forwarder always runs on a warmer machine.
    const order: Array<'sfu' | 'relay'> = i % 2 === 0 ? ['relay', 'sfu'] : ['sfu', 'relay'];
    for (const mode of order) rows.push(row(await runLoad(mode, scenario, log)));
  }
  const sfu = rows.filter((r) => r.mode === 'sfu');
  const relay = rows.filter((r) => r.mode === 'relay');
  const sfuUs = median(sfu.map((r) => r.cpuPerPacketUs));
  const relayUs = median(relay.map((r) => r.cpuPerPacketUs));

  const pad = (s: string, n: number) => s.padStart(n);
  console.log(`${'forwarder'.padEnd(10)}${pad('in pkt/s', 10)}${pad('fwd pkt/s', 11)}${pad('CPU %', 8)}${pad('µs/pkt', 9)}${pad('pkt/s/core', 12)}${pad('delivered', 11)}`);
  for (const r of rows) {
    console.log(
      `${r.mode.padEnd(10)}${pad(r.sentPps.toFixed(0), 10)}${pad(r.forwardedPps.toFixed(0), 11)}${pad(r.cpuPercent.toFixed(1), 8)}${pad(r.cpuPerPacketUs.toFixed(2), 9)}${pad((1e6 / r.cpuPerPacketUs).toFixed(0), 12)}${pad((r.delivered * 100).toFixed(1) + '%', 11)}`,
    );
  }
  console.log(`SFU / bare relay CPU per packet: ${(sfuUs / relayUs).toFixed(2)}× (medians ${sfuUs.toFixed(2)} µs vs ${relayUs.toFixed(2)} µs)`);
  const hot = measureHotPath(scenario.subscribers);
  console.log(
    `of which the SFU's JavaScript forwarding logic (in-process, no sockets): ${hot.usPerForwardedPacket.toFixed(3)} µs per forwarded packet`,
  );
  if (profileDir) {
    for (const mode of ['relay', 'sfu']) {
      console.log(`\nheaviest functions (self time), ${mode}:`);
      console.log(summariseProfile(path.join(profileDir, mode), 20));
    }
  }
  const result = {
    forwardedPpsPerCore: Math.round(1e6 / sfuUs),
    cpuPerPacketUs: Number(sfuUs.toFixed(3)),
    baselineCpuPerPacketUs: Number(relayUs.toFixed(3)),
    ratio: Number((sfuUs / relayUs).toFixed(3)),
  };
  // The last line is always the JSON summary (--json is accepted for scripts that pass it).
  console.log(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`bench/sfu: ${err.message}`);
    process.exit(1);
  },
);
