/**
 * Reading a server's `/metrics` (Prometheus text exposition format 0.0.4): samples by
 * `name{labels}`, with a strict line check so tests can tell the text is well formed.
 */

export type Samples = Map<string, number>;

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? ([-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|[Nn]a[Nn]|[-+]?Inf)(?: -?\d+)?$/;
const COMMENT = /^# (?:HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (?:counter|gauge|histogram|summary|untyped))$/;

/** Parses exposition text; throws on the first line that is neither a sample, a HELP/TYPE comment nor blank. */
export function parsePrometheus(text: string): Samples {
  const samples: Samples = new Map();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    if (line.startsWith('#')) {
      if (!COMMENT.test(line) && !/^# (?!HELP |TYPE )/.test(line)) throw new Error(`line ${i + 1} is not a valid comment: ${line.slice(0, 120)}`);
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`line ${i + 1} is not a valid sample: ${line.slice(0, 120)}`);
    const raw = m[3]!;
    const value = /^[Nn]a[Nn]$/.test(raw) ? NaN : raw.endsWith('Inf') ? (raw.startsWith('-') ? -Infinity : Infinity) : Number(raw);
    samples.set(`${m[1]}${m[2] ?? ''}`, value);
  }
  return samples;
}

/** A sample's value, or NaN when absent. */
export function sample(samples: Samples, name: string, labels = ''): number {
  return samples.get(`${name}${labels}`) ?? NaN;
}

export interface ServerSample {
  at: number;
  samples: Samples;
}

/** Fetches and parses `/metrics`; null when the server has none or cannot be reached. */
export async function scrapeMetrics(baseUrl: string, timeoutMs = 5000): Promise<ServerSample | null> {
  try {
    const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) {
      await res.body?.cancel();
      return null;
    }
    const text = await res.text();
    return { at: performance.now(), samples: parsePrometheus(text) };
  } catch {
    return null;
  }
}

/** Difference of a counter between two scrapes. */
export function delta(a: ServerSample, b: ServerSample, name: string, labels = ''): number {
  return sample(b.samples, name, labels) - sample(a.samples, name, labels);
}
