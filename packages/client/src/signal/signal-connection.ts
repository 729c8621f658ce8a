import type {
  ErrorBody,
  EventName,
  EventPayload,
  RequestPayload,
  RequestResult,
  RequestType,
} from '@confab/protocol';
import { Emitter } from '../emitter.js';
import { ConfabError } from '../errors.js';
import { debug } from '../log.js';

export const REQUEST_TIMEOUT_MS = 15_000;
/** The client pings this often, and counts the link dead after this long without hearing anything. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
export const HEARTBEAT_DEAD_AFTER_MS = 15_000;
/** Close code the server uses when the token is refused. */
export const CLOSE_UNAUTHENTICATED = 4001;

type ServerEvents = { [E in EventName]: EventPayload<E> };

export interface SignalConnectionEvents extends ServerEvents {
  /** The socket closed; `error` says why when the server told us. */
  closed: { code: number; reason: string; error: ConfabError | null };
  /** An error the server sent outside any request (rate limiting, a malformed message). */
  'server.error': ErrorBody;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: ConfabError) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * One signalling WebSocket: requests with ids and timeouts, events by name. It does not reconnect;
 * the client decides what to do when it closes.
 */
export class SignalConnection extends Emitter<SignalConnectionEvents> {
  private ws: WebSocket | null = null;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private lastError: ConfabError | null = null;
  private lastHeard = 0;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private ended = false;
  userId: string | null = null;
  connectionId: string | null = null;

  constructor(
    private readonly url: string,
    private readonly heartbeatMs = { interval: HEARTBEAT_INTERVAL_MS, deadAfter: HEARTBEAT_DEAD_AFTER_MS },
  ) {
    super();
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN && this.connectionId !== null;
  }

  /** Opens the socket and resolves once the server accepted the token. */
  open(token: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const wsUrl = new URL('/rtc', this.url);
      wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
      wsUrl.searchParams.set('access_token', token);
      let settled = false;
      const ws = new WebSocket(wsUrl);
      this.ws = ws;
      const offOk = this.on('connection.ok', ({ userId, connectionId }) => {
        this.userId = userId;
        this.connectionId = connectionId;
        settled = true;
        offOk();
        resolve();
      });
      ws.onmessage = (e) => {
        this.lastHeard = Date.now();
        this.onMessage(String(e.data));
      };
      ws.onclose = (e) => {
        offOk();
        const error =
          this.lastError ??
          (e.code === CLOSE_UNAUTHENTICATED
            ? new ConfabError('UNAUTHENTICATED', e.reason || 'the server refused the token')
            : new ConfabError('UNAVAILABLE', `signalling connection closed (${e.code}${e.reason ? ` ${e.reason}` : ''})`));
        if (!settled) {
          settled = true;
          reject(error);
        }
        this.end(e.code, e.reason, error);
      };
      this.lastHeard = Date.now();
      this.heartbeat = setInterval(() => this.beat(), this.heartbeatMs.interval);
    });
  }

  /** Pings the server; a link silent for too long is declared dead at once (its close may take minutes). */
  private beat(): void {
    if (!this.connectionId) return;
    if (Date.now() - this.lastHeard > this.heartbeatMs.deadAfter) {
      const ws = this.ws;
      this.end(4000, 'heartbeat timeout', new ConfabError('UNAVAILABLE', 'the server stopped answering'));
      ws?.close(4000, 'heartbeat timeout');
      return;
    }
    this.request('ping', {}, this.heartbeatMs.deadAfter).catch(() => undefined);
  }

  /** Ends this connection once: pending requests fail, listeners hear `closed`. */
  private end(code: number, reason: string, error: ConfabError): void {
    if (this.ended) return;
    this.ended = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    const ws = this.ws;
    if (ws) {
      ws.onmessage = null;
      ws.onclose = null;
    }
    this.failPending(error);
    this.ws = null;
    this.connectionId = null;
    this.emit('closed', { code, reason, error });
  }

  request<T extends RequestType>(type: T, payload: RequestPayload<T>, timeoutMs = REQUEST_TIMEOUT_MS): Promise<RequestResult<T>> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new ConfabError('UNAVAILABLE', 'not connected to the Confab server'));
    }
    const requestId = `r${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new ConfabError('TIMEOUT', `${type} got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(requestId, { resolve: resolve as (v: unknown) => void, reject, timer });
      ws.send(JSON.stringify({ type, requestId, payload }));
    });
  }

  private onMessage(text: string): void {
    let msg: { type?: string; requestId?: string | null; ok?: boolean; result?: unknown; error?: ErrorBody; payload?: unknown };
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (msg.type === 'response') {
      const pending = msg.requestId ? this.pending.get(msg.requestId) : undefined;
      if (!pending) {
        if (msg.ok === false && msg.error) {
          // An error before authentication is the answer to the token we connected with.
          if (!this.connectionId && msg.error.code === 'UNAUTHENTICATED') this.lastError = new ConfabError('UNAUTHENTICATED', msg.error.message);
          this.emit('server.error', msg.error);
        }
        return;
      }
      this.pending.delete(msg.requestId!);
      clearTimeout(pending.timer);
      if (msg.ok) pending.resolve(msg.result);
      else pending.reject(new ConfabError(msg.error?.code ?? 'INTERNAL', msg.error?.message ?? 'request failed'));
      return;
    }
    if (typeof msg.type === 'string') {
      debug('signal', '<-', msg.type);
      this.emit(msg.type as EventName, msg.payload as never);
    }
  }

  private failPending(error: ConfabError): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
  }

  close(): void {
    const ws = this.ws;
    if (ws && (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN)) ws.close(1000, 'client disconnect');
    this.end(1000, 'client disconnect', new ConfabError('UNAVAILABLE', 'disconnected'));
  }
}
