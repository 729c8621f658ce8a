import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { CliError } from '../errors.js';

export interface LoadOptions {
  /** Base URL of the server (http or https). */
  url: string;
  callType: string;
  callId: string;
  publishers: number;
  subscribers: number;
  audioOnly: boolean;
  /** Bitrate of the top simulcast layer, kbit/s; the lower layers keep their ratio to it. */
  videoKbps: number;
  /** Seconds of steady load once everyone has joined. */
  durationS: number;
  /** Joins started per second. */
  ramp: number;
  /** Percentage of SFU → subscriber RTP packets dropped on the load side (0 = none). */
  lossPct: number;
  json: boolean;
  apiKey: string | undefined;
  apiSecret: string | undefined;
}

export const LOAD_TEST_USAGE = `usage: confab load-test [options]

Synthetic participants (node-datachannel WebRTC peers) join one call through the real
signalling and SFU: publishers send VP8 simulcast (3 layers) and Opus, everyone receives.

  --url URL             server base URL (default http://localhost:3000)
  --call TYPE:ID        call to join (default default:load-<random>)
  --publishers N        participants that publish audio and video (default 1)
  --subscribers N       participants that only receive (default 4)
  --audio-only          publishers send audio only
  --video-bitrate KBPS  bitrate of the top simulcast layer (default 1700; layers 150/500/1700)
  --duration S          seconds of load once everyone has joined (default 30)
  --ramp N              joins started per second (default 10)
  --loss P              drop P% of SFU->subscriber RTP packets on the load side (NACK test)
  --json                print one JSON object with the results as the last stdout line
  --api-key K           sign tokens with this API key and secret (default: demo tokens)
  --api-secret S
  -h, --help            this help`;

function int(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`--${name} must be an integer from ${min} to ${max} (got "${raw}")`, 2);
  return n;
}

function num(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new CliError(`--${name} must be a number from ${min} to ${max} (got "${raw}")`, 2);
  return n;
}

/** Parses `confab load-test` arguments; throws CliError (exit code 2) on a mistake. Returns null for --help. */
export function parseLoadOptions(argv: string[]): LoadOptions | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        call: { type: 'string' },
        publishers: { type: 'string' },
        subscribers: { type: 'string' },
        'audio-only': { type: 'boolean' },
        'video-bitrate': { type: 'string' },
        duration: { type: 'string' },
        ramp: { type: 'string' },
        loss: { type: 'string' },
        json: { type: 'boolean' },
        'api-key': { type: 'string' },
        'api-secret': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new CliError(`${(error as Error).message.split('\n')[0]} (see confab load-test --help)`, 2);
  }
  if (values.help) return null;
  const url = values.url ?? 'http://localhost:3000';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`--url must be an http(s) URL (got "${url}")`, 2);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new CliError(`--url must be an http(s) URL (got "${url}")`, 2);
  const call = values.call ?? `default:load-${randomBytes(4).toString('hex')}`;
  const m = /^([a-z0-9_-]{1,64}):([A-Za-z0-9_-]{1,64})$/.exec(call);
  if (!m) throw new CliError(`--call must be TYPE:ID with a-z 0-9 _ - (got "${call}")`, 2);
  const apiKey = values['api-key'];
  const apiSecret = values['api-secret'];
  if ((apiKey === undefined) !== (apiSecret === undefined)) throw new CliError('--api-key and --api-secret go together', 2);
  const options: LoadOptions = {
    url: parsed.origin + parsed.pathname.replace(/\/+$/, ''),
    callType: m[1]!,
    callId: m[2]!,
    publishers: int('publishers', values.publishers, 1, 0, 10_000),
    subscribers: int('subscribers', values.subscribers, 4, 0, 10_000),
    audioOnly: values['audio-only'] ?? false,
    videoKbps: num('video-bitrate', values['video-bitrate'], 1700, 50, 20_000),
    durationS: num('duration', values.duration, 30, 1, 86_400),
    ramp: num('ramp', values.ramp, 10, 0.1, 1000),
    lossPct: num('loss', values.loss, 0, 0, 50),
    json: values.json ?? false,
    apiKey,
    apiSecret,
  };
  if (options.publishers + options.subscribers === 0) throw new CliError('nobody to join: give --publishers and/or --subscribers', 2);
  return options;
}
