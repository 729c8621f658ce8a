/**
 * A minimal Node client of Confab's signalling WebSocket (`/rtc`): requests with a requestId and
 * their responses, and events by name. Types come from @confab/protocol (types only: nothing of it
 * is loaded at run time).
 */
import WebSocket from 'ws';
import type { EventName, EventPayload, RequestPayload, RequestResult, RequestType } from '@confab/protocol';

export class SignalError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SignalError';
  }
}

type Listener = (payload: any) => void;

export class SignalClient {
  private readonly pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly listeners = new Map<string, Listener[]>();
  private nextId = 1;
  private closedError: Error | null = null;
  /** Messages received (every event and response). */
  messages = 0;
  /** The last error the server sent that answered no request. */
  lastError: { code: string; message: string } | null = null;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.onMessage(data as Buffer));
    ws.on('close', (code, reason) => this.onClose(new SignalError('UNAVAILABLE', `signalling closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`)));
    ws.on('error', () => undefined); // 'close' follows
  }

  /** Opens `/rtc` with the token and resolves once the server says `connection.ok`. */
  static connect(baseUrl: string, token: string, timeoutMs = 15_000): Promise<SignalClient> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/rtc?access_token=${encodeURIComponent(token)}`;
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    const client = new SignalClient(ws);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new SignalError('TIMEOUT', `no connection.ok within ${timeoutMs} ms`)), timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        offOk();
        ws.off('close', onClose);
        ws.off('error', onError);
        client.close();
        reject(error);
      };
      const onError = (error: Error) => fail(new SignalError('UNAVAILABLE', `cannot open ${url.split('?')[0]}: ${error.message}`));
      const onClose = (code: number, reason: Buffer) => {
        const said = client.lastError ? `: ${client.lastError.code} ${client.lastError.message}` : '';
        if (code === 4001) fail(new SignalError('UNAUTHENTICATED', `the server refused the token${said || ` (${reason.toString()})`}`));
        else fail(new SignalError('UNAVAILABLE', `signalling closed before connection.ok (${code} ${reason.toString()})${said}`));
      };
      const offOk = client.on('connection.ok', () => {
        clearTimeout(timer);
        offOk();
        ws.off('close', onClose);
        ws.off('error', onError);
        resolve(client);
      });
      ws.once('error', onError);
      ws.once('close', onClose);
    });
  }

  on<E extends EventName>(name: E, fn: (payload: EventPayload<E>) => void): () => void {
    const list = this.listeners.get(name) ?? [];
    list.push(fn as Listener);
    this.listeners.set(name, list);
    return () => {
      const l = this.listeners.get(name);
      if (l) this.listeners.set(name, l.filter((x) => x !== fn));
    };
  }

  request<T extends RequestType>(type: T, payload: RequestPayload<T>, timeoutMs = 20_000): Promise<RequestResult<T>> {
    if (this.closedError) return Promise.reject(this.closedError);
    const requestId = String(this.nextId++);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new SignalError('TIMEOUT', `${type}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(requestId, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.ws.send(JSON.stringify({ type, requestId, payload }));
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  private onMessage(data: Buffer): void {
    this.messages++;
    let msg: { type?: string; requestId?: string | null; ok?: boolean; result?: unknown; error?: { code: string; message: string }; payload?: unknown };
    try {
      msg = JSON.parse(data.toString('utf8'));
    } catch {
      return;
    }
    if (msg.type === 'response') {
      const p = msg.requestId ? this.pending.get(msg.requestId) : undefined;
      if (!p) {
        // An error not tied to a request (e.g. the token refused before the server closes).
        if (!msg.ok && msg.error) this.lastError = msg.error;
        return;
      }
      this.pending.delete(msg.requestId!);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new SignalError(msg.error?.code ?? 'INTERNAL', msg.error?.message ?? 'request failed'));
      return;
    }
    const list = msg.type ? this.listeners.get(msg.type) : undefined;
    if (list) for (const fn of list) fn(msg.payload);
  }

  private onClose(error: Error): void {
    if (!this.closedError) this.closedError = error;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(this.closedError);
    }
    this.pending.clear();
  }

  /** Closes the socket; resolves once it is closed. */
  close(): Promise<void> {
    this.onClose(new SignalError('UNAVAILABLE', 'signalling closed by the client'));
    this.listeners.clear();
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, 2000);
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
      else this.ws.close(1000);
    });
  }
}
