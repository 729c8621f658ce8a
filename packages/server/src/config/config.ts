import os from 'node:os';
import path from 'node:path';

/** Server configuration, read from the environment (CONTRACT.md §2). */
export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  apiKey: string | undefined;
  apiSecret: string | undefined;
  /** Secrets still accepted while rotating (comma-separated CONFAB_API_SECRET_PREVIOUS). */
  previousApiSecrets: string[];
  demo: boolean;
  rtcUdpPort: number;
  /** Whether CONFAB_RTC_UDP_PORT was given (otherwise a busy default port falls back to a free one). */
  rtcUdpPortGiven: boolean;
  /** Port announced in ICE candidates when a NAT or port mapping forwards it to rtcUdpPort. */
  rtcAnnouncedPort: number | undefined;
  /** The address announced first in ICE candidates (CONFAB_PUBLIC_IP, or the first local IPv4). */
  publicIp: string;
  /** When CONFAB_PUBLIC_IP is unset: every other local address, announced with lower priority. */
  extraIps: string[];
  /** The address the SFU's UDP port binds (CONFAB_RTC_BIND_ADDRESS, default all interfaces). */
  rtcBindAddress: string;
  redisUrl: string | undefined;
  databaseUrl: string | undefined;
  turnSecret: string | undefined;
  turnUrls: string[];
  turnTtlSeconds: number;
  /** How long a session whose WebSocket dropped is kept before others see it leave (reason timeout). */
  reconnectGraceMs: number;
  logLevel: string;
  webDir: string | undefined;
  sdkFile: string | undefined;
  /** Allowed `Origin` values for WebSocket upgrades; empty means any origin. */
  allowedOrigins: string[];
  /** Where signed call events are POSTed (app servers sending native pushes). */
  webhookUrls: string[];
  webhookSecret: string | undefined;
  webhookRetryBaseMs: number;
  webhookMaxAttempts: number;
  /** VAPID subject for Web Push (mailto: or https:). */
  vapidSubject: string;
  /** Open WebSockets allowed from one IP address. */
  maxConnectionsPerIp: number;
  /** How long a WebSocket may stay without a valid token. */
  authTimeoutMs: number;
  /** REST requests per second per IP (burst twice that); 0 turns the limit off. */
  httpRatePerSecond: number;
}

/** A configuration problem, reported as one line naming the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function readPort(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a port number 0-65535, got "${raw}"`);
  const n = Number(raw);
  if (n > 65535) throw new ConfigError(name, `must be a port number 0-65535, got "${raw}"`);
  return n;
}

function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new ConfigError(name, `must be an integer ${min}-${max}, got "${raw}"`);
  return n;
}

function readBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be 1 or 0, got "${raw}"`);
}

function readOptional(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

function readIp(env: Env, name: string): string | undefined {
  const raw = readOptional(env, name);
  if (raw === undefined) return undefined;
  if (!/^(\d{1,3})(\.\d{1,3}){3}$/.test(raw) && !/^[0-9a-fA-F:]+$/.test(raw)) {
    throw new ConfigError(name, `must be an IP address, got "${raw}"`);
  }
  return raw;
}

function readUrl(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = readOptional(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL, got "${raw}"`);
  }
  if (!protocols.includes(url.protocol)) throw new ConfigError(name, `must start with ${protocols.join(' or ')}`);
  return raw;
}

/**
 * This machine's IPv4 addresses to announce when CONFAB_PUBLIC_IP is unset: the non-internal ones
 * first, loopback last (so same-machine browsers connect too; Firefox ignores loopback candidates).
 */
export function detectLocalIps(): string[] {
  const external: string[] = [];
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) external.push(a.address);
  }
  return [...external, '127.0.0.1'];
}

/** Reads and validates the configuration; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): ServerConfig {
  const production = env.NODE_ENV === 'production';
  const host = readOptional(env, 'HOST') ?? '0.0.0.0';
  const turnUrls = (readOptional(env, 'CONFAB_TURN_URLS') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const url of turnUrls) {
    if (!/^(turns?|stun):/.test(url)) throw new ConfigError('CONFAB_TURN_URLS', `"${url}" must start with turn:, turns: or stun:`);
  }
  const turnSecret = readOptional(env, 'CONFAB_TURN_SECRET');
  if (turnSecret && turnUrls.length === 0) throw new ConfigError('CONFAB_TURN_URLS', 'must be set when CONFAB_TURN_SECRET is set');
  const apiKey = readOptional(env, 'CONFAB_API_KEY');
  const apiSecret = readOptional(env, 'CONFAB_API_SECRET');
  if ((apiKey === undefined) !== (apiSecret === undefined)) {
    throw new ConfigError(apiKey ? 'CONFAB_API_SECRET' : 'CONFAB_API_KEY', 'CONFAB_API_KEY and CONFAB_API_SECRET must be set together');
  }
  if (apiSecret !== undefined && apiSecret.length < 16) throw new ConfigError('CONFAB_API_SECRET', 'must be at least 16 characters');
  const webhookUrls = (readOptional(env, 'CONFAB_WEBHOOK_URLS') ?? readOptional(env, 'CONFAB_WEBHOOK_URL') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const url of webhookUrls) {
    if (!/^https?:\/\//.test(url)) throw new ConfigError('CONFAB_WEBHOOK_URLS', `"${url}" must be an http(s) URL`);
  }
  const vapidSubject = readOptional(env, 'CONFAB_VAPID_SUBJECT') ?? 'mailto:confab@localhost';
  if (!/^(mailto:|https:)/.test(vapidSubject)) throw new ConfigError('CONFAB_VAPID_SUBJECT', 'must start with mailto: or https:');
  const givenIp = readIp(env, 'CONFAB_PUBLIC_IP');
  const [publicIp = '127.0.0.1', ...extraIps] = givenIp ? [givenIp] : detectLocalIps();
  return {
    port: readPort(env, 'PORT', 3000),
    host,
    dataDir: path.resolve(readOptional(env, 'CONFAB_DATA_DIR') ?? './data'),
    apiKey,
    apiSecret,
    previousApiSecrets: (readOptional(env, 'CONFAB_API_SECRET_PREVIOUS') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    demo: readBool(env, 'CONFAB_DEMO', !production),
    rtcUdpPort: readPort(env, 'CONFAB_RTC_UDP_PORT', 3001),
    rtcUdpPortGiven: Boolean(env.CONFAB_RTC_UDP_PORT),
    rtcAnnouncedPort: env.CONFAB_RTC_ANNOUNCED_PORT ? readInt(env, 'CONFAB_RTC_ANNOUNCED_PORT', 0, 1, 65535) : undefined,
    publicIp,
    extraIps,
    rtcBindAddress: readIp(env, 'CONFAB_RTC_BIND_ADDRESS') ?? '0.0.0.0',
    redisUrl: readUrl(env, 'CONFAB_REDIS_URL', ['redis:', 'rediss:']),
    databaseUrl: readUrl(env, 'CONFAB_DATABASE_URL', ['postgres:', 'postgresql:']),
    turnSecret,
    turnUrls,
    turnTtlSeconds: readInt(env, 'CONFAB_TURN_TTL', 86400, 60, 7 * 86400),
    reconnectGraceMs: readInt(env, 'CONFAB_RECONNECT_GRACE_MS', 15000, 0, 600_000),
    logLevel: readOptional(env, 'CONFAB_LOG_LEVEL') ?? (env.DEBUG?.startsWith('confab') ? 'debug' : 'info'),
    webDir: readOptional(env, 'CONFAB_WEB_DIR'),
    sdkFile: readOptional(env, 'CONFAB_SDK_FILE'),
    allowedOrigins: (readOptional(env, 'CONFAB_ALLOWED_ORIGINS') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    webhookUrls,
    webhookSecret: readOptional(env, 'CONFAB_WEBHOOK_SECRET'),
    webhookRetryBaseMs: readInt(env, 'CONFAB_WEBHOOK_RETRY_BASE_MS', 1000, 10, 600_000),
    webhookMaxAttempts: readInt(env, 'CONFAB_WEBHOOK_MAX_ATTEMPTS', 6, 1, 20),
    vapidSubject,
    maxConnectionsPerIp: readInt(env, 'CONFAB_MAX_CONNECTIONS_PER_IP', 200, 1, 1_000_000),
    authTimeoutMs: readInt(env, 'CONFAB_AUTH_TIMEOUT_MS', 10_000, 100, 600_000),
    httpRatePerSecond: readInt(env, 'CONFAB_HTTP_RATE_LIMIT', 100, 0, 1_000_000),
  };
}
