import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Read on every scrape, so gauges are never stale. */
export interface MetricSources {
  calls(): number;
  participants(): number;
  connections(): number;
}

/**
 * Prometheus metrics of one server (its own registry, so several servers in one process, as in
 * tests, do not mix). Exposed at GET /metrics.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'type' | 'outcome'>;
  readonly requestSeconds: Histogram<'type'>;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'confab_' });
    new Gauge({ name: 'confab_calls', help: 'Calls with at least one participant', registers, collect() {
      this.set(sources.calls());
    } });
    new Gauge({ name: 'confab_participants', help: 'Participant sessions in calls (including those reconnecting)', registers, collect() {
      this.set(sources.participants());
    } });
    new Gauge({ name: 'confab_connections', help: 'Open signalling WebSockets', registers, collect() {
      this.set(sources.connections());
    } });
    this.requests = new Counter({ name: 'confab_signal_requests_total', help: 'Signalling requests by type and outcome (ok or error code)', labelNames: ['type', 'outcome'], registers });
    this.requestSeconds = new Histogram({
      name: 'confab_signal_request_duration_seconds',
      help: 'Time to answer a signalling request, by type (call.join is the join latency)',
      labelNames: ['type'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
  }

  /** Adds gauges and counters read from another part of the server (the SFU, for one). */
  addGauge(name: string, help: string, read: () => number): void {
    new Gauge({ name, help, registers: [this.registry], collect() {
      this.set(read());
    } });
  }

  /** A counter whose source is a monotonic number kept elsewhere, brought up to date on each scrape. */
  addCounter(name: string, help: string, read: () => number): void {
    let reported = 0;
    new Counter({ name, help, registers: [this.registry], collect() {
      const value = read();
      if (value > reported) this.inc(value - reported);
      reported = Math.max(reported, value);
    } });
  }

  /** One signalling request answered. */
  recordRequest(type: string, outcome: string, seconds: number): void {
    this.requests.inc({ type, outcome });
    this.requestSeconds.observe({ type }, seconds);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
