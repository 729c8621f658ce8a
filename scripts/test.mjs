#!/usr/bin/env node
// `npm test`: installs what the tests need from Debian when run as root (or says what to install),
// builds, typechecks, then runs every unit, integration and end-to-end test with node's runner.
// `npm test -- <files...>` runs only those test files.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const isRoot = process.getuid?.() === 0;

/** Debian packages the tests need: command -> package. */
const SYSTEM_NEEDS = [
  { command: '/usr/bin/chromium', pkg: 'chromium' },
  { command: '/usr/bin/firefox-esr', pkg: 'firefox-esr' },
];

function fail(message) {
  console.error(`test: ${message}`);
  process.exit(1);
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  return result.status ?? 1;
}

function ensureSystemPackages() {
  const missing = SYSTEM_NEEDS.filter((n) => !fs.existsSync(n.command)).map((n) => n.pkg);
  if (missing.length === 0) return;
  if (!isRoot) fail(`missing ${missing.join(', ')}: run sudo apt-get install -y ${missing.join(' ')}`);
  console.log(`test: installing ${missing.join(', ')} from Debian ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (run('apt-get', ['update', '-qq'], { env }) !== 0) fail('apt-get update failed');
  if (run('apt-get', ['install', '-y', '-qq', ...missing], { env }) !== 0) fail(`apt-get install ${missing.join(' ')} failed`);
}

function findTests(dir, pattern, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) findTests(full, pattern, out);
    else if (pattern.test(entry.name)) out.push(path.relative(root, full));
  }
  return out.sort();
}

ensureSystemPackages();
console.log('test: building ...');
if (run(process.execPath, ['scripts/build.mjs']) !== 0) fail('build failed');
console.log('test: typechecking ...');
if (run(process.execPath, ['scripts/typecheck.mjs']) !== 0) fail('typecheck failed');

const requested = process.argv.slice(2);
const files = requested.length
  ? requested
  : [
      ...['packages', 'apps'].flatMap((d) => findTests(path.join(root, d), /\.test\.tsx?$/)),
      ...findTests(path.join(root, 'e2e'), /\.e2e\.test\.ts$/),
    ];
console.log(`test: running ${files.length} test files ...`);
// One file at a time: end-to-end files start servers and browsers, and the machine has 2 cores.
const status = run(process.execPath, [
  '--import', 'tsx',
  '--conditions=development',
  '--test',
  '--test-concurrency=1',
  '--test-reporter=spec',
  '--test-timeout=300000',
  ...files,
]);
process.exit(status);
