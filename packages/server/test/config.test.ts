import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { resolveApiCredentials } from '../src/config/secrets.js';

test('defaults match the contract', () => {
  const c = loadConfig({});
  assert.equal(c.port, 3000);
  assert.equal(c.host, '0.0.0.0');
  assert.equal(c.dataDir, path.resolve('./data'));
  assert.equal(c.rtcUdpPort, 3001);
  assert.equal(c.demo, true);
  assert.equal(c.redisUrl, undefined);
  assert.equal(c.reconnectGraceMs, 15000);
});

test('demo mode is off in production unless asked for', () => {
  assert.equal(loadConfig({ NODE_ENV: 'production' }).demo, false);
  assert.equal(loadConfig({ NODE_ENV: 'production', CONFAB_DEMO: '1' }).demo, true);
  assert.equal(loadConfig({ CONFAB_DEMO: '0' }).demo, false);
});

test('a bad value names the variable', () => {
  const cases: [Record<string, string>, string][] = [
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ CONFAB_RTC_UDP_PORT: '-1' }, 'CONFAB_RTC_UDP_PORT'],
    [{ CONFAB_DEMO: 'maybe' }, 'CONFAB_DEMO'],
    [{ CONFAB_PUBLIC_IP: 'not an ip' }, 'CONFAB_PUBLIC_IP'],
    [{ CONFAB_REDIS_URL: 'http://x' }, 'CONFAB_REDIS_URL'],
    [{ CONFAB_DATABASE_URL: 'mysql://x' }, 'CONFAB_DATABASE_URL'],
    [{ CONFAB_TURN_SECRET: 's' }, 'CONFAB_TURN_URLS'],
    [{ CONFAB_TURN_SECRET: 's', CONFAB_TURN_URLS: 'http://x' }, 'CONFAB_TURN_URLS'],
    [{ CONFAB_API_KEY: 'k' }, 'CONFAB_API_SECRET'],
    [{ CONFAB_API_KEY: 'k', CONFAB_API_SECRET: 'short' }, 'CONFAB_API_SECRET'],
  ];
  for (const [env, variable] of cases) {
    assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && e.variable === variable && e.message.startsWith(`${variable}:`), JSON.stringify(env));
  }
});

test('TURN urls are split and kept', () => {
  const c = loadConfig({ CONFAB_TURN_SECRET: 's3cret', CONFAB_TURN_URLS: 'turn:127.0.0.1:3478?transport=udp, turns:example.com:5349' });
  assert.deepEqual(c.turnUrls, ['turn:127.0.0.1:3478?transport=udp', 'turns:example.com:5349']);
});

test('API credentials are generated once, kept at mode 0600, or taken from the environment', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-secrets-'));
  try {
    const first = resolveApiCredentials(dir, {});
    const again = resolveApiCredentials(dir, {});
    assert.deepEqual(first, again);
    assert.match(first.apiKey, /^confab_/);
    assert.ok(first.apiSecret.length >= 32);
    assert.equal(fs.statSync(path.join(dir, 'secrets.json')).mode & 0o777, 0o600);
    assert.deepEqual(resolveApiCredentials(dir, { apiKey: 'k', apiSecret: 'from-env-from-env' }), { apiKey: 'k', apiSecret: 'from-env-from-env' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
