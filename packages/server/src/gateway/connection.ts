import type { WebSocket } from 'ws';
import {
  decodeClientMessage,
  encodeError,
  encodeEvent,
  encodeResult,
  type ClientRequest,
  type ErrorBody,
  type ServerEvent,
} from '@confab/protocol';
import type { Logger } from 'pino';
import type { TokenClaims } from '../auth/tokens.js';
import type { Caller } from '../calls/types.js';
import { ServiceError, toErrorBody } from '../errors.js';
import { CLOSE_CODES, GATEWAY_LIMITS } from './limits.js';
import { TokenBucket } from './rate-limit.js';
import type { RequestHandlers } from './request-handlers.js';

export interface ConnectionDeps {
  handlers: RequestHandlers;
  authTimeoutMs: number;
  verify: (token: string) => Promise<TokenClaims>;
  onAuthenticated: (connection: Connection) => void;
  onClosed: (connection: Connection) => void;
  /** Every answered request: its type, 'ok' or the error code, and how long it took. */
  onRequest?: (type: string, outcome: string, seconds: number) => void;
  logger: Logger;
}

/**
 * One signalling WebSocket: authentication, rate limiting, bounded sending, and requests handled
 * one at a time in arrival order (so an offer is always relayed before its candidates).
 */
export class Connection {
  caller: Caller | null = null;
  private claims: TokenClaims | null = null;
  private readonly bucket = new TokenBucket(GATEWAY_LIMITS.rateBurst, GATEWAY_LIMITS.ratePerSecond);
  private chain: Promise<void> = Promise.resolve();
  private authTimer: NodeJS.Timeout | null;
  private lastPong = Date.now();
  private closed = false;

  constructor(
    readonly id: string,
    private readonly ws: WebSocket,
    private readonly deps: ConnectionDeps,
  ) {
    this.authTimer = setTimeout(() => this.close(CLOSE_CODES.unauthenticated, 'authentication timeout'), deps.authTimeoutMs);
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    ws.on('pong', () => (this.lastPong = Date.now()));
    ws.on('close', () => this.onClose());
    ws.on('error', (error) => deps.logger.debug({ err: error, connectionId: id }, 'websocket error'));
  }

  get userId(): string | null {
    return this.caller?.userId ?? null;
  }

  /** The token given at connect time (query parameter); requests sent meanwhile wait for it. */
  authenticateOnConnect(token: string): void {
    this.chain = this.chain.then(() => this.authenticate(token, null));
  }

  /** Verifies a token given at connect time (query parameter) or by an `auth` request. */
  private async authenticate(token: string, requestId: string | null): Promise<void> {
    let claims: TokenClaims;
    try {
      claims = await this.deps.verify(token);
    } catch (error) {
      this.sendRaw(encodeError(requestId, toErrorBody(error)));
      if (!this.caller) this.close(CLOSE_CODES.unauthenticated, 'unauthenticated');
      return;
    }
    if (this.caller) {
      // A fresh token for the same user (token refresh); a different user is refused.
      if (claims.userId !== this.caller.userId) {
        this.sendRaw(encodeError(requestId, { code: 'FORBIDDEN', message: 'a connection cannot switch users' }));
        return;
      }
      this.claims = claims;
      this.caller.role = claims.role;
      this.caller.callCids = claims.callCids;
      if (requestId) this.sendRaw(encodeResult(requestId, 'auth', { userId: claims.userId }));
      return;
    }
    if (this.closed) return;
    this.claims = claims;
    this.caller = {
      userId: claims.userId,
      name: claims.name ?? claims.userId,
      role: claims.role,
      callCids: claims.callCids,
      connectionId: this.id,
    };
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
    this.deps.onAuthenticated(this);
    if (requestId) this.sendRaw(encodeResult(requestId, 'auth', { userId: claims.userId }));
    this.send({ type: 'connection.ok', payload: { userId: claims.userId, connectionId: this.id } });
  }

  send(event: ServerEvent): void {
    this.sendRaw(encodeEvent(event));
  }

  /** Sends an event already encoded (a broadcast is encoded once for all its recipients). */
  sendRaw(text: string): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > GATEWAY_LIMITS.maxBufferedBytes) {
      this.deps.logger.warn({ connectionId: this.id }, 'closing a connection that does not keep up');
      this.close(CLOSE_CODES.policy, 'send queue full');
      return;
    }
    this.ws.send(text);
  }

  private replyError(requestId: string | null, error: ErrorBody): void {
    this.sendRaw(encodeError(requestId, error));
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    if (!this.bucket.take()) {
      // Answer the request it was (found cheaply, without parsing) so the caller's promise settles.
      const requestId = /"requestId"\s*:\s*"([^"\\]{1,64})"/.exec(data.toString('utf8', 0, Math.min(data.length, 512)))?.[1] ?? null;
      this.replyError(requestId, { code: 'RATE_LIMITED', message: 'too many messages; slow down' });
      return;
    }
    if (isBinary) {
      this.replyError(null, { code: 'INVALID_ARGUMENT', message: 'binary messages are not supported' });
      return;
    }
    const decoded = decodeClientMessage(data);
    if (!decoded.ok) {
      this.replyError(decoded.requestId, decoded.error);
      return;
    }
    const request = decoded.message;
    this.chain = this.chain.then(() => this.handle(request));
  }

  private async handle(request: ClientRequest): Promise<void> {
    if (request.type === 'auth') return this.authenticate(request.payload.token, request.requestId);
    const caller = this.caller;
    if (!caller) {
      this.replyError(request.requestId, { code: 'UNAUTHENTICATED', message: 'send an auth message or connect with access_token first' });
      return;
    }
    if (this.claims && this.claims.expiresAt <= Date.now()) {
      this.replyError(request.requestId, { code: 'UNAUTHENTICATED', message: 'token has expired; send a fresh one with auth' });
      return;
    }
    const started = process.hrtime.bigint();
    let outcome = 'ok';
    try {
      const handler = this.deps.handlers[request.type] as (c: typeof caller, p: unknown) => unknown;
      const result = await handler(caller, request.payload);
      this.sendRaw(encodeResult(request.requestId, request.type, result as never));
    } catch (error) {
      if (!(error instanceof ServiceError)) {
        this.deps.logger.error({ err: error, type: request.type, connectionId: this.id }, 'request failed');
      }
      const body = toErrorBody(error);
      outcome = body.code;
      this.replyError(request.requestId, body);
    }
    this.deps.onRequest?.(request.type, outcome, Number(process.hrtime.bigint() - started) / 1e9);
  }

  /** Called by the gateway's heartbeat; terminates a connection that stopped answering pings. */
  heartbeat(now: number): void {
    if (this.closed) return;
    if (now - this.lastPong > GATEWAY_LIMITS.deadAfterMs) {
      this.deps.logger.info({ connectionId: this.id }, 'connection missed its heartbeats');
      this.ws.terminate();
      return;
    }
    this.ws.ping();
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.ws.close(code, reason);
    // ws's close handshake can stall on a dead peer; make sure the socket goes.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
    this.deps.onClosed(this);
  }
}
