import type { RequestPayload, RequestResult, RequestType } from '@confab/protocol';
import { ConfabError } from './errors.js';
import { debug } from './log.js';
import type { ReconnectPolicy, RecoveryStrategy } from './reconnect-policy.js';
import { SignalConnection } from './signal/signal-connection.js';

export interface ConnectionHooks {
  /** Wire a new connection's events (before it opens). */
  attach(connection: SignalConnection): void;
  connectionChanged(connected: boolean): void;
  /** The link dropped unexpectedly; `offline` when the browser says the network is gone. */
  lost(offline: boolean): void;
  networkChanged(online: boolean): void;
  /** Whether any call waits for recovery. */
  needsRecovery(): boolean;
  /** The link is up: recover every waiting call; throws if one could not be recovered yet. */
  recoverCalls(strategy: RecoveryStrategy): Promise<void>;
  /** The policy gave up. */
  giveUp(error: ConfabError | null): void;
}

export interface ConnectionOptions {
  url: string;
  token: string | undefined;
  tokenProvider: (() => Promise<string>) | undefined;
  policy: ReconnectPolicy;
}

/** Seconds-since-epoch `exp` of a JWT, read without verifying (only to schedule a refresh). */
export function tokenExpiry(token: string): number | null {
  try {
    const payload = token.split('.')[1];
    if (!payload) return null;
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    return typeof json.exp === 'number' ? json.exp : null;
  } catch {
    return null;
  }
}

/** Longest wait between attempts once no call is waiting (the client still wants its rings). */
const IDLE_RETRY_MAX_MS = 10_000;

/** Refresh this long before a token expires. */
const REFRESH_BEFORE_EXPIRY_MS = 30_000;

/**
 * The client's signalling link: connects with a token (asking the tokenProvider again before the
 * token expires and when the server refuses it), watches the browser's online state, and after an
 * unexpected loss reconnects under the ReconnectPolicy and hands the calls back for recovery.
 */
export class ConnectionManager {
  private connection: SignalConnection | null = null;
  private connecting: Promise<void> | null = null;
  private token: string | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private recovering = false;
  private wake: (() => void) | null = null;
  private closedByUser = false;
  private listening = false;
  userId: string | null = null;

  constructor(
    private readonly opts: ConnectionOptions,
    private readonly hooks: ConnectionHooks,
  ) {
    this.token = opts.token;
  }

  get connected(): boolean {
    return this.connection?.isOpen ?? false;
  }

  get isRecovering(): boolean {
    return this.recovering;
  }

  connect(): Promise<void> {
    if (this.connected) return Promise.resolve();
    this.closedByUser = false;
    this.connecting ??= this.open().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async freshToken(): Promise<string> {
    const expiry = this.token ? tokenExpiry(this.token) : null;
    const stale = !this.token || (expiry !== null && expiry * 1000 < Date.now() + 5000);
    if (stale && this.opts.tokenProvider) this.token = await this.opts.tokenProvider();
    if (!this.token) throw new ConfabError('UNAUTHENTICATED', 'no token: the token provider returned none');
    return this.token;
  }

  private async open(): Promise<void> {
    const token = await this.freshToken();
    const connection = new SignalConnection(this.opts.url);
    this.hooks.attach(connection);
    connection.on('closed', () => this.onClosed(connection));
    await connection.open(token);
    this.connection = connection;
    this.userId = connection.userId;
    this.listenToNetwork();
    this.scheduleRefresh();
    this.hooks.connectionChanged(true);
  }

  private onClosed(connection: SignalConnection): void {
    if (this.connection !== connection) return;
    this.connection = null;
    this.hooks.connectionChanged(false);
    if (this.closedByUser) return;
    this.hooks.lost(globalThis.navigator?.onLine === false);
    // Reconnect whether or not a call is running: an idle client still wants its rings.
    void this.recover();
  }

  /**
   * Sends a request; connects first, unless calls are being recovered (then UNAVAILABLE: their
   * recovery redoes what is needed, and messages wait in their queue).
   */
  async request<T extends RequestType>(type: T, payload: RequestPayload<T>): Promise<RequestResult<T>> {
    if (!this.connected) {
      if (this.recovering && this.hooks.needsRecovery()) throw new ConfabError('UNAVAILABLE', 'reconnecting to the Confab server');
      await this.connect();
    }
    return this.connection!.request(type, payload);
  }

  /** Replaces the token; sent to the server at once when connected. */
  async updateToken(token: string): Promise<void> {
    this.token = token;
    this.scheduleRefresh();
    if (this.connected) await this.connection!.request('auth', { token });
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    const provider = this.opts.tokenProvider;
    const expiry = this.token ? tokenExpiry(this.token) : null;
    if (!provider || expiry === null) return;
    const delay = Math.max(1000, expiry * 1000 - Date.now() - REFRESH_BEFORE_EXPIRY_MS);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      provider()
        .then((token) => this.updateToken(token))
        .catch((error) => debug('client', 'token refresh failed', error));
    }, delay);
  }

  /** Tries to get the link and the calls back, under the policy, until recovered or given up. */
  recover(): Promise<void> | void {
    if (this.recovering) {
      this.wake?.();
      return;
    }
    return this.recoveryLoop();
  }

  private async recoveryLoop(): Promise<void> {
    this.recovering = true;
    const started = Date.now();
    let attempt = 0;
    let lastError: ConfabError | null = null;
    try {
      while (!this.closedByUser && (this.hooks.needsRecovery() || !this.connected)) {
        // A refused token cannot succeed by trying again unless a tokenProvider can give a new one.
        const hopeless = lastError?.code === 'UNAUTHENTICATED' && !this.opts.tokenProvider;
        let delay = hopeless ? null : this.opts.policy.nextDelayMs({ attempt, elapsedMs: Date.now() - started, lastError });
        if (delay === null) {
          // The calls give up; the link itself keeps trying in the background, more slowly.
          if (this.hooks.needsRecovery()) this.hooks.giveUp(lastError);
          if (hopeless) return;
          delay = Math.min(IDLE_RETRY_MAX_MS, 500 * 2 ** Math.min(attempt, 5));
        }
        await this.sleep(delay);
        attempt++;
        if (this.closedByUser) return;
        if (globalThis.navigator?.onLine === false) {
          lastError = new ConfabError('UNAVAILABLE', 'the browser is offline');
          continue;
        }
        try {
          if (!this.connected) {
            if (lastError?.code === 'UNAUTHENTICATED' && this.opts.tokenProvider) this.token = await this.opts.tokenProvider();
            await this.connect();
          }
          await this.hooks.recoverCalls(this.opts.policy.strategyFor({ attempt, elapsedMs: Date.now() - started, lastError }));
          lastError = null;
        } catch (error) {
          lastError = ConfabError.from(error);
          debug('client', `recovery attempt ${attempt} failed`, lastError.message);
        }
      }
    } finally {
      this.recovering = false;
      this.wake = null;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private readonly onOnline = () => {
    this.hooks.networkChanged(true);
    if (this.hooks.needsRecovery()) void this.recover();
  };

  private readonly onOffline = () => this.hooks.networkChanged(false);

  private listenToNetwork(): void {
    if (this.listening || typeof globalThis.addEventListener !== 'function') return;
    this.listening = true;
    globalThis.addEventListener('online', this.onOnline);
    globalThis.addEventListener('offline', this.onOffline);
  }

  /** Closes the link for good (until the next connect()): no recovery, no timers, no listeners. */
  close(): void {
    this.closedByUser = true;
    this.wake?.();
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    if (this.listening) {
      globalThis.removeEventListener('online', this.onOnline);
      globalThis.removeEventListener('offline', this.onOffline);
      this.listening = false;
    }
    const connection = this.connection;
    this.connection = null;
    connection?.close();
  }
}
