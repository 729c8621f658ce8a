import {
  CallingState,
  CALL_ID_PATTERN,
  CALL_TYPE_PATTERN,
  type CallInfo,
  type RequestPayload,
  type RequestResult,
  type RequestType,
} from '@confab/protocol';
import { Call, type CallScopedEvent } from './call/call.js';
import type { CallHost } from './call/call-host.js';
import { ConnectionManager } from './connection-manager.js';
import { Emitter } from './emitter.js';
import { ConfabError } from './errors.js';
import { DefaultReconnectPolicy, type ReconnectPolicy, type RecoveryStrategy } from './reconnect-policy.js';
import type { SignalConnection } from './signal/signal-connection.js';

export interface ConfabClientOptions {
  /** The Confab server, e.g. location.origin. */
  url?: string;
  /** A client token (CONTRACT.md §4). */
  token?: string;
  /** Called for a token when connecting, again before it expires, and when the server refuses it. */
  tokenProvider?: () => Promise<string>;
  /** The user the token is for; the server's view (the token's `sub`) wins. */
  user?: { id: string; name?: string };
  /** Answer a ring with reject('busy') while already in a call (default true). */
  rejectCallWhenBusy?: boolean;
  /** When and how to recover calls after the link drops (default: DefaultReconnectPolicy). */
  reconnectPolicy?: ReconnectPolicy;
}

export interface ClientEvents {
  /** An incoming call: its state is RINGING. */
  'call.ring': { call: Call; from: { userId: string; name: string } };
  /** The signalling connection went up or down. */
  'connection.changed': { connected: boolean };
}

/** Every call-scoped server event, so the client can route them by cid (the compiler insists on all). */
const CALL_EVENTS = Object.keys({
  'participant.joined': true,
  'participant.left': true,
  'participant.updated': true,
  'track.published': true,
  'track.unpublished': true,
  signal: true,
  message: true,
  'call.ring.stopped': true,
  'call.accepted': true,
  'call.rejected': true,
  'call.missed': true,
  'call.ended': true,
  'call.updated': true,
  'call.recover': true,
  kicked: true,
  'track.muted': true,
  'track.censored': true,
  'track.uncensored': true,
  'permission.requested': true,
  'permission.denied': true,
  'capabilities.updated': true,
  custom: true,
  'sfu.offer': true,
  'sfu.candidate': true,
  'sfu.layers': true,
  'subscription.started': true,
  'subscription.reconfigured': true,
  'subscription.ended': true,
  'audio.levels': true,
  'speaker.changed': true,
} satisfies Record<CallScopedEvent, true>) as CallScopedEvent[];

/** States in which this client counts as busy in a call. */
const BUSY_STATES = new Set<CallingState>([CallingState.JOINING, CallingState.JOINED, CallingState.RECONNECTING, CallingState.MIGRATING, CallingState.OFFLINE]);

/** The entry point of the SDK: one signalling connection, and the calls on it. */
export class ConfabClient {
  readonly url: string;
  private readonly emitter = new Emitter<ClientEvents>();
  private readonly calls = new Map<string, Call>();
  private readonly link: ConnectionManager;
  private userInfo: { id: string; name?: string } | null;
  private readonly rejectCallWhenBusy: boolean;

  constructor(options: ConfabClientOptions = {}) {
    if (!options.token && !options.tokenProvider) {
      throw new ConfabError('INVALID_ARGUMENT', 'ConfabClient needs a token or a tokenProvider');
    }
    const base = options.url ?? globalThis.location?.origin;
    if (!base) throw new ConfabError('INVALID_ARGUMENT', 'ConfabClient needs the server url');
    this.url = base;
    this.userInfo = options.user ? { ...options.user } : null;
    this.rejectCallWhenBusy = options.rejectCallWhenBusy ?? true;
    this.link = new ConnectionManager(
      { url: base, token: options.token, tokenProvider: options.tokenProvider, policy: options.reconnectPolicy ?? new DefaultReconnectPolicy() },
      {
        attach: (connection) => this.attach(connection),
        connectionChanged: (connected) => {
          if (connected && this.link.userId) this.userInfo = { ...this.userInfo, id: this.link.userId };
          this.emitter.emit('connection.changed', { connected });
        },
        lost: (offline) => this.eachCall((c) => c.signalLost(offline)),
        networkChanged: (online) => this.eachCall((c) => c.networkChanged(online)),
        needsRecovery: () => [...this.calls.values()].some((c) => c.needsRecovery),
        recoverCalls: (strategy) => this.recoverCalls(strategy),
        giveUp: (error) => this.eachCall((c) => c.recoveryFailed(error ?? undefined)),
      },
    );
  }

  /** The connected user (from the server once connected). */
  get user(): { id: string; name?: string } | null {
    return this.userInfo;
  }

  get connected(): boolean {
    return this.link.connected;
  }

  on<K extends keyof ClientEvents>(name: K, fn: (payload: ClientEvents[K]) => void): () => void {
    return this.emitter.on(name, fn);
  }

  /** Connects; rejects with UNAUTHENTICATED for a bad or expired token, UNAVAILABLE when unreachable. */
  connect(): Promise<void> {
    return this.link.connect();
  }

  /** For apps that push tokens themselves: replaces the token, and sends it when connected. */
  updateToken(token: string): Promise<void> {
    return this.link.updateToken(token);
  }

  /** Leaves every call and closes the connection (no reconnecting after this). */
  async disconnect(): Promise<void> {
    await Promise.all([...this.calls.values()].map((call) => call.leave().catch(() => undefined)));
    this.link.close();
  }

  /** The call object for type:id; the same object until it is left. */
  call(type: string, id: string): Call {
    if (!CALL_TYPE_PATTERN.test(type)) throw new ConfabError('INVALID_ARGUMENT', `call type "${type}" must be 1-64 of a-z 0-9 _ -`);
    if (!CALL_ID_PATTERN.test(id)) throw new ConfabError('INVALID_ARGUMENT', `call id "${id}" must be 1-64 of A-Z a-z 0-9 _ -`);
    const cid = `${type}:${id}`;
    let call = this.calls.get(cid);
    if (!call) this.calls.set(cid, (call = new Call(type, id, this.host)));
    return call;
  }

  private attach(connection: SignalConnection): void {
    for (const name of CALL_EVENTS) {
      connection.on(name, (payload) => this.calls.get(payload.cid)?.handleEvent(name, payload as never));
    }
    connection.on('call.ring', ({ call, from }) => this.onRing(call, from));
  }

  private eachCall(fn: (call: Call) => void): void {
    for (const call of [...this.calls.values()]) fn(call);
  }

  private async recoverCalls(strategy: RecoveryStrategy): Promise<void> {
    for (const call of [...this.calls.values()]) if (call.needsRecovery) await call.recover(strategy);
  }

  private onRing(info: CallInfo, from: { userId: string; name: string }): void {
    const existing = this.calls.get(info.cid);
    if (existing && existing.state.callingState !== CallingState.IDLE && existing.state.callingState !== CallingState.RINGING) return;
    const busy = [...this.calls.values()].some((c) => c !== existing && BUSY_STATES.has(c.state.callingState));
    const call = this.call(info.type, info.id);
    call.markRinging(info);
    if (busy && this.rejectCallWhenBusy) {
      call.reject('busy').catch(() => undefined);
      return;
    }
    this.emitter.emit('call.ring', { call, from });
  }

  private readonly host: CallHost = (() => {
    const client = this;
    return {
      request<T extends RequestType>(type: T, payload: RequestPayload<T>): Promise<RequestResult<T>> {
        return client.link.request(type, payload);
      },
      get connected() {
        return client.connected;
      },
      release(cid: string) {
        client.calls.delete(cid);
      },
    };
  })();
}
