/**
 * `confab load-test`: joins synthetic publishers and subscribers into one SFU call, keeps the load
 * for --duration seconds once media flows, and reports what was received and what the server spent.
 */
import { CliError, describeNetworkError } from './errors.js';
import { LoadRun, pause } from './load/load-run.js';
import { LOAD_TEST_USAGE, parseLoadOptions, type LoadOptions } from './load/options.js';
import { scrapeMetrics } from './load/prometheus.js';
import { renderTable, serverFigures, summarize } from './load/report.js';
import { shutdownRtc } from './load/rtc.js';
import { apiKeyTokens, demoTokens } from './load/tokens.js';

/** How long media may take to flow everywhere after the last join before the steady phase starts anyway. */
const SETTLE_BASE_MS = 10_000;

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\./.test(hostname);
}

async function checkServer(url: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
  } catch (error) {
    throw new CliError(`cannot reach the Confab server at ${url} (${describeNetworkError(error)}); is it running? (--url)`, 1, { cause: error });
  }
  await res.body?.cancel();
  if (!res.ok) throw new CliError(`${url}/healthz answered HTTP ${res.status}: not a healthy Confab server`);
}

/** The progress line on stderr: rewritten in place on a terminal, one line every 5 s otherwise (logs). */
class Progress {
  private last = '';
  private printedAt = -Infinity;
  constructor(private readonly tty: boolean) {}
  show(line: string, final = false): void {
    if (this.tty) process.stderr.write(`\r${line.padEnd(this.last.length)}`);
    else if (final || performance.now() - this.printedAt >= 5000) {
      process.stderr.write(`${line}\n`);
      this.printedAt = performance.now();
    }
    this.last = line;
  }
  done(): void {
    if (this.tty && this.last) process.stderr.write('\n');
    this.last = '';
  }
}

/** Runs the command; resolves with the exit code. */
export async function loadTest(argv: string[]): Promise<number> {
  const options = parseLoadOptions(argv);
  if (!options) {
    process.stdout.write(`${LOAD_TEST_USAGE}\n`);
    return 0;
  }
  await checkServer(options.url);
  return run(options);
}

async function run(options: LoadOptions): Promise<number> {
  const host = new URL(options.url).hostname;
  const run = new LoadRun({
    baseUrl: options.url,
    callType: options.callType,
    callId: options.callId,
    tokens: options.apiKey ? apiKeyTokens(options.apiKey, options.apiSecret!) : demoTokens(options.url),
    bindAddress: isLoopback(host) ? '127.0.0.1' : undefined,
    videoKbps: options.videoKbps,
    audioOnly: options.audioOnly,
    lossPct: options.lossPct,
  });
  const cid = `${options.callType}:${options.callId}`;
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write('\nload-test: stopping (Ctrl-C again to quit at once)\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  const progress = new Progress(process.stderr.isTTY === true);
  let phase = 'joining';
  let steadyStart = 0;
  const status = (final = false) => {
    const t = run.totals();
    const elapsed = steadyStart ? `${Math.min(options.durationS, Math.round((performance.now() - steadyStart) / 1000))}/${options.durationS} s` : phase;
    const lossPct = t.packetsReceived + t.packetsLost > 0 ? ((t.packetsLost / (t.packetsReceived + t.packetsLost)) * 100).toFixed(2) : '0.00';
    progress.show(`load-test ${cid}: ${elapsed} · joined ${t.joined}/${t.participants}${t.failed ? ` (${t.failed} failed)` : ''} · tracks ${t.tracksReceiving}/${t.tracksExpected} · sent ${t.packetsSent} · received ${t.packetsReceived} · loss ${lossPct}%`, final);
  };
  const ticker = setInterval(() => status(), 1000);
  const kinds = options.audioOnly ? (['audio'] as const) : (['audio', 'video'] as const);
  const everyone = [...run.add('pub', options.publishers, [...kinds]), ...run.add('sub', options.subscribers, [])];
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let exitCode = 0;
  let failure: string | null = null;
  let summaryOut: string | null = null;
  try {
    status();
    await run.join(everyone, options.ramp, abort.signal, () => status());
    const t = run.totals();
    if (t.joined === 0 && !abort.signal.aborted) {
      const first = everyone.find((p) => p.error)?.error;
      throw new CliError(`no participant could join ${cid}: ${first?.message ?? 'unknown error'}`);
    }
    phase = 'waiting for media';
    const settleUntil = performance.now() + SETTLE_BASE_MS + everyone.length * 50;
    while (!run.settled() && performance.now() < settleUntil && !abort.signal.aborted) await pause(100, abort.signal);
    const m0 = await scrapeMetrics(options.url);
    steadyStart = performance.now();
    await pause(options.durationS * 1000, abort.signal);
    const m1 = await scrapeMetrics(options.url);
    const steadyS = (performance.now() - steadyStart) / 1000;
    const totals = run.totals();
    clearInterval(ticker);
    status(true);
    progress.done();
    const cpu = process.cpuUsage(cpu0);
    const server = serverFigures(m0, m1);
    const joinTimes = everyone.flatMap((p) => (p.joinMs === null ? [] : [p.joinMs]));
    const summary = summarize(options, totals, joinTimes, server);
    const incidents = everyone.flatMap((p) => p.incidents.map((i) => `${p.userId}: ${i}`));
    process.stdout.write(
      `${renderTable(options, summary, totals, server, {
        cid,
        url: options.url,
        durationS: steadyS,
        firstMediaMs: everyone.flatMap((p) => (p.firstMediaMs === null ? [] : [p.firstMediaMs])),
        loadCpuPct: ((cpu.user + cpu.system) / 1000 / (performance.now() - wall0)) * 100,
        incidents,
      })}\n`,
    );
    if (m0 === null || m1 === null) process.stderr.write(`load-test: ${options.url}/metrics was not readable; server figures are n/a\n`);
    summaryOut = JSON.stringify(summary);
    if (totals.failed > 0) {
      const first = everyone.find((p) => p.error)?.error;
      failure = `${totals.failed} of ${totals.participants} participants failed to join: ${first?.message ?? 'unknown error'}`;
      exitCode = 1;
    } else if (abort.signal.aborted) {
      exitCode = 130;
    }
  } finally {
    clearInterval(ticker);
    progress.done();
    process.off('SIGINT', onSigint);
    await run.close();
    await shutdownRtc();
  }
  if (options.json && summaryOut) process.stdout.write(`${summaryOut}\n`);
  if (failure) process.stderr.write(`load-test: ${failure}\n`);
  return exitCode;
}
