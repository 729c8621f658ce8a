import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { TokenClaims } from '../auth/tokens.js';
import { Connection } from './connection.js';
import type { ConnectionRegistry } from './connection-registry.js';
import { CLOSE_CODES, GATEWAY_LIMITS } from './limits.js';
import type { RequestHandlers } from './request-handlers.js';

export interface WsGatewayOptions {
  handlers: RequestHandlers;
  registry: ConnectionRegistry;
  verify: (token: string) => Promise<TokenClaims>;
  onConnectionClosed: (connectionId: string) => void;
  /** A device of a user authenticated (e.g. to hand it rings already under way). */
  onUserConnected?: (userId: string, connectionId: string) => void;
  allowedOrigins: string[];
  maxConnectionsPerIp: number;
  authTimeoutMs: number;
  onRequest?: (type: string, outcome: string, seconds: number) => void;
  logger: Logger;
}

/** The `/rtc` WebSocket endpoint: upgrades, origin check, heartbeats. */
export class WsGateway {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: GATEWAY_LIMITS.maxPayloadBytes });
  private readonly heartbeatTimer: NodeJS.Timeout;
  private readonly perIp = new Map<string, number>();

  constructor(private readonly opts: WsGatewayOptions) {
    this.heartbeatTimer = setInterval(() => {
      const now = Date.now();
      for (const c of this.opts.registry.all()) c.heartbeat(now);
    }, GATEWAY_LIMITS.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  attach(server: Server): void {
    server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/rtc') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    const origin = req.headers.origin;
    if (this.opts.allowedOrigins.length > 0 && (!origin || !this.opts.allowedOrigins.includes(origin))) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    const ip = req.socket.remoteAddress ?? 'unknown';
    const open = this.perIp.get(ip) ?? 0;
    if (open >= this.opts.maxConnectionsPerIp) {
      socket.end('HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\n\r\n');
      return;
    }
    this.perIp.set(ip, open + 1);
    socket.once('close', () => {
      const n = (this.perIp.get(ip) ?? 1) - 1;
      if (n <= 0) this.perIp.delete(ip);
      else this.perIp.set(ip, n);
    });
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new Connection(randomUUID(), ws, {
        handlers: this.opts.handlers,
        authTimeoutMs: this.opts.authTimeoutMs,
        ...(this.opts.onRequest ? { onRequest: this.opts.onRequest } : {}),
        verify: this.opts.verify,
        logger: this.opts.logger,
        onAuthenticated: (c) => {
          this.opts.registry.bindUser(c);
          this.opts.onUserConnected?.(c.userId!, c.id);
        },
        onClosed: (c) => {
          this.opts.registry.remove(c);
          if (c.userId) this.opts.onConnectionClosed(c.id);
        },
      });
      this.opts.registry.add(connection);
      const token = url.searchParams.get('access_token');
      if (token) connection.authenticateOnConnect(token);
    });
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeatTimer);
    for (const c of this.opts.registry.all()) c.close(CLOSE_CODES.goingAway, 'server shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
