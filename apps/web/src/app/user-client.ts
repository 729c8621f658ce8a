import { type Call, ConfabClient, ConfabError } from '@confab/client';
import { BehaviorSubject, type Observable } from 'rxjs';
import { TokenSource } from './token-source';

/** Who the app is signed in as. */
export interface Identity {
  userId: string;
  name: string;
}

/** Whether others can ring this browser right now. */
export type PresenceStatus =
  | { state: 'connecting' }
  | { state: 'online' }
  | { state: 'reconnecting'; error?: ConfabError }
  | { state: 'failed'; error: ConfabError };

export interface IncomingRing {
  call: Call;
  from: { userId: string; name: string };
}

/** The app's client for one identity: the SDK client, its tokens, and whether it is connected. */
export interface UserClient {
  identity: Identity;
  client: ConfabClient;
  tokens: TokenSource;
  status$: Observable<PresenceStatus>;
}

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;

function sameIdentity(a: Identity, b: Identity): boolean {
  return a.userId === b.userId && a.name === b.name;
}

/**
 * One ConfabClient at a time, for the identity the lobby shows. It connects as soon as there is an
 * identity, so rings reach this browser while it sits in the lobby, and stays connected: the SDK
 * reconnects on its own only while a call needs recovering, so between calls this reconnects with
 * backoff (and at once when the browser comes back online or the tab is shown again).
 */
export class UserClients {
  private entry: (UserClient & { stop(): void }) | null = null;
  private readonly currentSubject = new BehaviorSubject<UserClient | null>(null);
  /** The current client, or null before there is an identity. */
  readonly current$: Observable<UserClient | null> = this.currentSubject.asObservable();

  constructor(
    private readonly onRing: (ring: IncomingRing, owner: UserClient) => void,
    /** A call is being recovered by the SDK: leave the connection to it. */
    private readonly recovering: () => boolean,
  ) {}

  get current(): UserClient | null {
    return this.entry;
  }

  /** The client for `identity`, created and connecting if it is not the current one. */
  clientFor(identity: Identity): UserClient {
    if (this.entry && sameIdentity(this.entry.identity, identity)) return this.entry;
    this.close();
    this.entry = this.open({ ...identity });
    this.currentSubject.next(this.entry);
    return this.entry;
  }

  close(): void {
    const entry = this.entry;
    if (!entry) return;
    this.entry = null;
    this.currentSubject.next(null);
    entry.stop();
  }

  private open(identity: Identity): UserClient & { stop(): void } {
    const tokens = new TokenSource(identity.userId, identity.name);
    const client = new ConfabClient({ url: location.origin, user: { id: identity.userId, name: identity.name }, tokenProvider: tokens.fresh });
    const status = new BehaviorSubject<PresenceStatus>({ state: 'connecting' });
    let stopped = false;
    let retryTimer: ReturnType<typeof setTimeout> | null = null;
    let delay = RETRY_MIN_MS;

    const connect = () => {
      if (stopped || client.connected) return;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      client.connect().then(
        () => {
          delay = RETRY_MIN_MS;
        },
        (error: unknown) => {
          if (stopped) return;
          const e = ConfabError.from(error);
          // A refused identity or a server without demo tokens will not get better by retrying soon.
          const hopeless = e.code === 'UNAUTHENTICATED' || e.code === 'INVALID_ARGUMENT' || e.code === 'FORBIDDEN';
          status.next(hopeless ? { state: 'failed', error: e } : { state: 'reconnecting', error: e });
          schedule(hopeless ? RETRY_MAX_MS : delay);
          delay = Math.min(RETRY_MAX_MS, delay * 2);
        },
      );
    };
    const schedule = (ms: number) => {
      if (stopped || retryTimer) return;
      retryTimer = setTimeout(() => {
        retryTimer = null;
        if (this.recovering()) schedule(delay);
        else connect();
      }, ms);
    };
    const wake = () => {
      if (!client.connected && !this.recovering()) connect();
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible') wake();
    };

    const entry: UserClient & { stop(): void } = {
      identity,
      client,
      tokens,
      status$: status.asObservable(),
      stop: () => {
        stopped = true;
        if (retryTimer) clearTimeout(retryTimer);
        offRing();
        offConnection();
        window.removeEventListener('online', wake);
        document.removeEventListener('visibilitychange', onVisible);
        status.complete();
        void client.disconnect();
      },
    };
    const offRing = client.on('call.ring', (ring) => this.onRing(ring, entry));
    const offConnection = client.on('connection.changed', ({ connected }) => {
      if (stopped) return;
      if (connected) {
        status.next({ state: 'online' });
        return;
      }
      status.next({ state: 'reconnecting' });
      schedule(delay);
    });
    window.addEventListener('online', wake);
    document.addEventListener('visibilitychange', onVisible);
    connect();
    return entry;
  }
}
