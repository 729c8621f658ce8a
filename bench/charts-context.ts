/**
 * What every benchmark result states next to its figures (machine, date, commit, load of the
 * machine during the run), CPU accounting of this process and of the whole machine, and writing
 * the JSON and SVG into docs/benchmarks/.
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../e2e/helpers/server-process.js';

export interface RunContext {
  machine: string;
  cpus: number;
  node: string;
  date: string;
  commit: string;
  /** 1-minute load average when the run started and ended (other work on the machine shows here). */
  loadAverageStart: number;
  loadAverageEnd?: number;
}

export function runContext(): RunContext {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  return {
    machine: `${os.type()} ${os.arch()}, ${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    cpus: os.cpus().length,
    node: process.version,
    date: new Date().toISOString(),
    commit: commit(),
    loadAverageStart: round(os.loadavg()[0]!, 2),
  };
}

export function finishContext(ctx: RunContext): RunContext {
  return { ...ctx, loadAverageEnd: round(os.loadavg()[0]!, 2) };
}

function commit(): string {
  try {
    const sha = execSync('git rev-parse --short HEAD', { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execSync('git status --porcelain --untracked-files=no', { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return dirty ? `${sha} (+ uncommitted changes in the tree)` : sha;
  } catch {
    return 'unknown';
  }
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Busy and total jiffies of the whole machine (/proc/stat), for machine CPU % over a window. */
export function machineCpu(): { busy: number; total: number } {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    const total = v.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

/** Machine CPU use between two readings, in % of all cores (200% = both cores of a 2-core machine). */
export function machineCpuPct(a: { busy: number; total: number }, b: { busy: number; total: number }): number {
  return ((b.busy - a.busy) / (b.total - a.total)) * 100 * os.cpus().length;
}

/** CPU of this process between `since` (process.cpuUsage()) and now over `ms`, in % of one core. */
export function processCpuPct(since: NodeJS.CpuUsage, ms: number): number {
  const d = process.cpuUsage(since);
  return ((d.user + d.system) / 1000 / ms) * 100;
}

export function writeResult(name: string, json: unknown, charts: Record<string, string>): string[] {
  const dir = path.join(repoRoot, 'docs/benchmarks');
  fs.mkdirSync(dir, { recursive: true });
  const written = [path.join(dir, `${name}.json`)];
  fs.writeFileSync(written[0]!, `${JSON.stringify(json, null, 2)}\n`);
  for (const [file, svg] of Object.entries(charts)) {
    const p = path.join(dir, file);
    fs.writeFileSync(p, svg);
    written.push(p);
  }
  return written.map((p) => path.relative(repoRoot, p));
}

/** Warns when the machine is busy with other work before a measurement. */
export function warnIfBusy(label: string): void {
  const load = os.loadavg()[0]!;
  if (load > os.cpus().length * 0.5) {
    process.stderr.write(`${label}: note: 1-minute load average is ${load.toFixed(2)} on ${os.cpus().length} cores; other work will skew the figures\n`);
  }
}
