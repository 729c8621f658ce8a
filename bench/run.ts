// `npm run bench -- <name> [options]`: runs a named benchmark scenario. Each prints its figures next
// to a baseline measured in the same run, and writes JSON into docs/benchmarks/.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SCENARIOS: Record<string, { file: string; about: string }> = {
  'p2p-join': { file: 'p2p-join.ts', about: '20 sequential 1:1 p2p joins in Chromium vs a bare RTCPeerConnection pair' },
  sfu: { file: 'sfu/run.ts', about: 'SFU forwarding cost per packet vs a bare node-datachannel relay' },
  join: { file: 'join.ts', about: 'join latency under a ramp of 5, 20, 50 joins/s vs p2p joins and ping at the same ramp' },
  room: { file: 'room.ts', about: 'one SFU room, growing subscribers until loss > 1% or CPU saturates; CPU per forwarded packet' },
  signal: { file: 'signal.ts', about: 'signalling fan-out (custom events, chat) to N participants vs a raw ws broadcast server' },
  recovery: { file: 'recovery.ts', about: 'time from a cut media path (FAST) or a killed server (REJOIN) to video again, vs a fresh join' },
};

const [name, ...rest] = process.argv.slice(2);
const scenario = name ? SCENARIOS[name] : undefined;
if (!scenario) {
  console.error(`usage: npm run bench -- <name> [options]\n${Object.entries(SCENARIOS).map(([n, s]) => `  ${n.padEnd(10)} ${s.about}`).join('\n')}`);
  process.exit(name ? 1 : 0);
}
const file = path.join(here, scenario.file);
if (!fs.existsSync(file)) {
  console.error(`bench: ${name} is not available yet (${path.relative(process.cwd(), file)} is missing)`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=development', file, ...rest], { stdio: 'inherit' });
process.exit(result.status ?? 1);
