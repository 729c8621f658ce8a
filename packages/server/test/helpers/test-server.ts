import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { WebSocket } from 'ws';
import { startServer, type ConfabServer } from '../../src/app.js';
import { signToken, type TokenInput } from '../../src/auth/tokens.js';
import { loadConfig } from '../../src/config/config.js';

export interface TestServer {
  server: ConfabServer;
  url: string;
  dataDir: string;
  token(userId: string, extra?: Partial<TokenInput>): Promise<string>;
  connect(token: string): Promise<TestSocket>;
  /** Stops the server; removes the data dir unless keepData. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** An in-process server on a free loopback port with a fresh data dir. */
export async function startTestServer(env: Record<string, string> = {}, dataDir?: string): Promise<TestServer> {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'confab-test-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    CONFAB_DATA_DIR: dir,
    CONFAB_PUBLIC_IP: '127.0.0.1',
    CONFAB_RTC_UDP_PORT: '0',
    ...env,
  });
  const server = await startServer(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  const sockets: TestSocket[] = [];
  return {
    server,
    url: server.url,
    dataDir: dir,
    token: (userId, extra = {}) => signToken({ userId, ttlSeconds: 600, ...extra }, server.credentials),
    async connect(token) {
      const socket = await TestSocket.open(`${server.url.replace('http', 'ws')}/rtc?access_token=${encodeURIComponent(token)}`);
      sockets.push(socket);
      return socket;
    },
    async stop({ keepData = false } = {}) {
      for (const s of sockets) s.terminate();
      await server.close();
      if (!keepData && !dataDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Received {
  type: string;
  requestId?: string | null;
  ok?: boolean;
  result?: any;
  error?: { code: string; message: string };
  payload?: any;
}

/** A raw signalling client for tests: every message received is kept in order. */
export class TestSocket {
  readonly received: Received[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private nextId = 1;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.received.push(JSON.parse(String(data)));
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => {
      resolve({ code, reason: String(reason) });
      for (const w of this.waiters.splice(0)) w();
    }));
  }

  static open(url: string): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const socket = new TestSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
    });
  }

  /** Waits for a received message matching `predicate` (checking ones already received first). */
  async waitFor(predicate: (m: Received) => boolean, what = 'message', timeoutMs = 5000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found) return found;
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.received.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  waitForEvent(type: string, predicate: (payload: any) => boolean = () => true, timeoutMs?: number): Promise<Received> {
    return this.waitFor((m) => m.type === type && predicate(m.payload), `event ${type}`, timeoutMs);
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** Sends a request and waits for its response (ok or error). */
  async request(type: string, payload: unknown = {}): Promise<Received> {
    const requestId = `t${this.nextId++}`;
    this.ws.send(JSON.stringify({ type, requestId, payload }));
    return this.waitFor((m) => m.type === 'response' && m.requestId === requestId, `response to ${type}`);
  }

  /** Like request, but throws unless ok, and returns the result. */
  async ok(type: string, payload: unknown = {}): Promise<any> {
    const res = await this.request(type, payload);
    if (!res.ok) throw new Error(`${type} failed: ${res.error?.code} ${res.error?.message}`);
    return res.result;
  }

  terminate(): void {
    this.ws.terminate();
  }
}
