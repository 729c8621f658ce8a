import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeTcpPort, freeUdpPort } from './ports.js';
import { waitUntil } from './wait.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const serverMain = path.join(repoRoot, 'packages/server/dist/main.js');

export interface ServerProcess {
  url: string;
  port: number;
  udpPort: number;
  dataDir: string;
  env: Record<string, string>;
  /** What the process printed, for failure messages. */
  output(): string;
  /** Resident memory of the server process, in MiB (Linux). */
  rssMb(): number;
  /** Graceful stop (SIGTERM), then the data dir is removed unless keepData. */
  stop(options?: { keepData?: boolean }): Promise<void>;
  /** kill -9, keeping the data dir. */
  kill(): Promise<void>;
  /** Starts again on the same ports and data dir. */
  restart(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  dataDir?: string;
}

/** Starts the built server (`npm run build` first) on free loopback ports with a fresh data dir. */
export async function startServerProcess(options: StartOptions = {}): Promise<ServerProcess> {
  if (!fs.existsSync(serverMain)) throw new Error(`${serverMain} is missing: run npm run build`);
  const port = await freeTcpPort();
  const udpPort = await freeUdpPort();
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'confab-e2e-'));
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    CONFAB_DATA_DIR: dataDir,
    CONFAB_RTC_UDP_PORT: String(udpPort),
    CONFAB_PUBLIC_IP: '127.0.0.1',
    CONFAB_LOG_LEVEL: 'warn',
    CONFAB_DEMO: '1',
    ...options.env,
  };
  let child: ChildProcess | null = null;
  let log = '';
  const url = `http://127.0.0.1:${port}`;

  async function launch(): Promise<void> {
    const proc = spawn(process.execPath, [serverMain], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    proc.stdout!.on('data', (d) => (log += d));
    proc.stderr!.on('data', (d) => (log += d));
    let exited = false;
    proc.once('exit', () => (exited = true));
    await waitUntil(
      async () => {
        if (exited) throw new Error(`server exited: ${log.trim().split('\n').slice(-3).join(' | ')}`);
        const res = await fetch(`${url}/healthz`).catch(() => null);
        return res?.ok;
      },
      `server on ${url} to be healthy`,
      15_000,
    );
  }

  function waitExit(proc: ChildProcess): Promise<void> {
    if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => proc.once('exit', () => resolve()));
  }

  await launch();
  return {
    url,
    port,
    udpPort,
    dataDir,
    env,
    output: () => log,
    rssMb() {
      const pid = child?.pid;
      if (!pid) return NaN;
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
      return kb / 1024;
    },
    async stop({ keepData = false } = {}) {
      const proc = child;
      child = null;
      if (proc) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await waitExit(proc);
        clearTimeout(timer);
      }
      if (!keepData && !options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
    async kill() {
      const proc = child;
      child = null;
      if (proc) {
        proc.kill('SIGKILL');
        await waitExit(proc);
      }
    },
    async restart() {
      await launch();
    },
  };
}

/** A demo token for `userId` from a running server. */
export async function demoToken(server: { url: string }, userId: string, name = userId): Promise<string> {
  const res = await fetch(`${server.url}/api/demo/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId, name }),
  });
  if (!res.ok) throw new Error(`demo token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}
