/** Test helpers: the built server bundle, and the `confab` command as a child process. */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../../e2e/helpers/server-process.js';

export { startServerProcess, type ServerProcess } from '../../../e2e/helpers/server-process.js';

/** Builds the server bundle when it is missing (npm test builds it first anyway). */
export function ensureServerBuilt(): void {
  if (fs.existsSync(path.join(repoRoot, 'packages/server/dist/main.js'))) return;
  const r = spawnSync(process.execPath, ['scripts/build.mjs', 'server'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building the server bundle failed');
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node packages/cli/bin/confab.js <args>`; resolves when it exits. The child is killed if it
 * outlives `timeoutMs`.
 */
export function runCli(args: string[], timeoutMs: number, env: Record<string, string> = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'packages/cli/bin/confab.js'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, DEBUG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
