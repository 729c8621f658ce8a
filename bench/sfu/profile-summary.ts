/** Top functions by self time in V8 .cpuprofile files (node --cpu-prof). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The busiest profile of a directory (the main thread, not tsx's loader worker). */
export function busiestProfile(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  let best: { file: string; busy: number } | undefined;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.cpuprofile'))) {
    const file = path.join(dir, name);
    const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    const idle = new Set(p.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
    const busy = p.samples.filter((id) => !idle.has(id)).length;
    if (!best || busy > best.busy) best = { file, busy };
  }
  return best?.file;
}

export function summariseProfile(dir: string, top: number): string {
  const file = busiestProfile(dir);
  if (!file) return `  (no profile in ${dir})`;
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const n = byId.get(id);
    if (!n) return;
    const dt = p.timeDeltas[i] ?? 0;
    total += dt;
    const f = n.callFrame;
    const file = f.url ? f.url.replace(/^.*\/(packages|bench|node_modules)\//, '$1/') : '';
    const key = `${f.functionName || '(anonymous)'} ${file ? `${file}:${f.lineNumber + 1}` : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  const idle = self.get('(idle)') ?? 0;
  self.delete('(idle)');
  total -= idle;
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `  ${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n') + `\n  (percent of the main thread's non-idle samples; ${path.basename(file)})`;
}
