import {
  CallingState,
  CALL_ID_PATTERN,
  CALL_TYPE_PATTERN,
  type CallInfo,
  type EventName,
  type RequestPayload,
  type RequestResult,
  type RequestType,
} from '@confab/protocol';
import { Call, type CallScopedEvent } from './call/call.js';
import type { CallHost } from './call/call-host.js';
import { Emitter } from './emitter.js';
import { ConfabError } from './errors.js';
import { SignalConnection } from './signal/signal-connection.js';

export interface ConfabClientOptions {
  /** The Confab server, e.g. location.origin. */
  url?: string;
  /** A client token (CONTRACT.md §4). */
  token?: string;
  /** Called for a token when connecting and again before it expires. */
  tokenProvider?: () => Promise<string>;
  /** The user the token is for; the server's view (the token's `sub`) wins. */
  user?: { id: string; name?: string };
  /** Answer a ring with reject('busy') while already in a call (default true). */
  rejectCallWhenBusy?: boolean;
}

export interface ClientEvents {
  /** An incoming call: its state is RINGING. */
  'call.ring': { call: Call; from: { userId: string; name: string } };
  /** The signalling connection went up or down. */
  'connection.changed': { connected: boolean };
}

/** Every call-scoped server event, so the client can route them by cid. */
const CALL_EVENTS: readonly CallScopedEvent[] = [
  'participant.joined',
  'participant.left',
  'participant.updated',
  'track.published',
  'track.unpublished',
  'signal',
  'message',
  'call.ring.stopped',
  'call.accepted',
  'call.rejected',
  'call.missed',
  'call.ended',
  'kicked',
] satisfies readonly Exclude<EventName, 'connection.ok' | 'call.ring'>[];

/** States in which this client counts as busy in a call. */
const BUSY_STATES = new Set<CallingState>([CallingState.JOINING, CallingState.JOINED, CallingState.RECONNECTING, CallingState.MIGRATING, CallingState.OFFLINE]);

/** The entry point of the SDK: one signalling connection, and the calls on it. */
export class ConfabClient {
  readonly url: string;
  private token: string | undefined;
  private readonly tokenProvider: (() => Promise<string>) | undefined;
  private readonly emitter = new Emitter<ClientEvents>();
  private readonly calls = new Map<string, Call>();
  private connection: SignalConnection | null = null;
  private connecting: Promise<void> | null = null;
  private userInfo: { id: string; name?: string } | null;
  private readonly rejectCallWhenBusy: boolean;

  constructor(options: ConfabClientOptions = {}) {
    if (!options.token && !options.tokenProvider) {
      throw new ConfabError('INVALID_ARGUMENT', 'ConfabClient needs a token or a tokenProvider');
    }
    const base = options.url ?? globalThis.location?.origin;
    if (!base) throw new ConfabError('INVALID_ARGUMENT', 'ConfabClient needs the server url');
    this.url = base;
    this.token = options.token;
    this.tokenProvider = options.tokenProvider;
    this.userInfo = options.user ? { ...options.user } : null;
    this.rejectCallWhenBusy = options.rejectCallWhenBusy ?? true;
  }

  /** The connected user (from the server once connected). */
  get user(): { id: string; name?: string } | null {
    return this.userInfo;
  }

  get connected(): boolean {
    return this.connection?.isOpen ?? false;
  }

  on<K extends keyof ClientEvents>(name: K, fn: (payload: ClientEvents[K]) => void): () => void {
    return this.emitter.on(name, fn);
  }

  /** Connects; rejects with UNAUTHENTICATED for a bad or expired token, UNAVAILABLE when unreachable. */
  connect(): Promise<void> {
    if (this.connected) return Promise.resolve();
    this.connecting ??= this.open().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async open(): Promise<void> {
    const token = this.tokenProvider && !this.token ? await this.tokenProvider() : this.token;
    if (!token) throw new ConfabError('UNAUTHENTICATED', 'the token provider returned no token');
    this.token = token;
    const connection = new SignalConnection(this.url);
    for (const name of CALL_EVENTS) {
      connection.on(name, (payload) => this.calls.get(payload.cid)?.handleEvent(name, payload as never));
    }
    connection.on('call.ring', ({ call, from }) => this.onRing(call, from));
    connection.on('closed', () => {
      if (this.connection === connection) this.connection = null;
      this.emitter.emit('connection.changed', { connected: false });
    });
    await connection.open(token);
    this.connection = connection;
    this.userInfo = { ...this.userInfo, id: connection.userId! };
    this.emitter.emit('connection.changed', { connected: true });
  }

  /** Leaves every call and closes the connection. */
  async disconnect(): Promise<void> {
    await Promise.all([...this.calls.values()].map((call) => call.leave().catch(() => undefined)));
    const connection = this.connection;
    this.connection = null;
    connection?.close();
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
      async request<T extends RequestType>(type: T, payload: RequestPayload<T>): Promise<RequestResult<T>> {
        await client.connect();
        return client.connection!.request(type, payload);
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
