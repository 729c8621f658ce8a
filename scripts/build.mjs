#!/usr/bin/env node
// Builds what `npm start` and the end-to-end tests need: the browser SDK bundle, the server bundle
// and the web app. Prints one line per step; a failure is one clear line (stack with DEBUG=confab*).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);
const wanted = (step) => only.length === 0 || only.includes(step);

function serverExternals() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'packages/server/package.json'), 'utf8'));
  return Object.keys(pkg.dependencies ?? {}).filter((name) => !name.startsWith('@confab/'));
}

const steps = {
  async sdk() {
    await build({
      entryPoints: [path.join(root, 'packages/client/src/index.ts')],
      outfile: path.join(root, 'packages/client/dist/confab.js'),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions: ['development'],
      sourcemap: true,
      legalComments: 'none',
      logLevel: 'warning',
    });
  },
  async server() {
    await build({
      entryPoints: [path.join(root, 'packages/server/src/main.ts')],
      outfile: path.join(root, 'packages/server/dist/main.js'),
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      conditions: ['development'],
      external: serverExternals(),
      sourcemap: true,
      logLevel: 'warning',
      banner: { js: "import { createRequire as __confabRequire } from 'node:module'; const require = __confabRequire(import.meta.url);" },
    });
  },
  async web() {
    const webDir = path.join(root, 'apps/web');
    if (!fs.existsSync(path.join(webDir, 'index.html'))) return 'skipped (no apps/web/index.html)';
    const vite = path.join(root, 'node_modules/vite/bin/vite.js');
    const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: webDir, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`vite build failed with exit code ${result.status}`);
  },
};

for (const [name, run] of Object.entries(steps)) {
  if (!wanted(name)) continue;
  const started = Date.now();
  process.stdout.write(`build: ${name} ... `);
  try {
    const note = await run();
    process.stdout.write(`${note ?? 'done'} (${Date.now() - started} ms)\n`);
  } catch (error) {
    process.stdout.write('failed\n');
    if ((process.env.DEBUG ?? '').startsWith('confab')) console.error(error);
    console.error(`build: ${name} failed: ${error.message.split('\n')[0]}`);
    process.exit(1);
  }
}
