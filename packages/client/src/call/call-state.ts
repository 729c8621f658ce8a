import { BehaviorSubject, distinctUntilChanged, map, type Observable } from 'rxjs';
import { assertTransition, CallingState, type CallInfo, type Capability } from '@confab/protocol';
import { debug } from '../log.js';
import type { CallParticipant } from './types.js';

/** The read-only state of a call: getters for the current values, observables for changes. */
export class CallState {
  readonly callingState$: Observable<CallingState>;
  readonly participants$: Observable<CallParticipant[]>;
  readonly localParticipant$: Observable<CallParticipant | undefined>;
  readonly remoteParticipants$: Observable<CallParticipant[]>;
  readonly call$: Observable<CallInfo | null>;
  /** What the local participant may do in the call (empty until joined). */
  readonly ownCapabilities$: Observable<Capability[]>;

  constructor(private readonly store: CallStateStore) {
    this.callingState$ = store.callingStateSubject.pipe(distinctUntilChanged());
    this.participants$ = store.participantsSubject.asObservable();
    this.localParticipant$ = this.participants$.pipe(
      map((ps) => ps.find((p) => p.isLocal)),
      distinctUntilChanged(),
    );
    this.remoteParticipants$ = this.participants$.pipe(map((ps) => ps.filter((p) => !p.isLocal)));
    this.call$ = store.callSubject.asObservable();
    this.ownCapabilities$ = store.capabilitiesSubject.asObservable();
  }

  get ownCapabilities(): Capability[] {
    return this.store.capabilitiesSubject.value;
  }

  get callingState(): CallingState {
    return this.store.callingStateSubject.value;
  }

  get participants(): CallParticipant[] {
    return this.store.participantsSubject.value;
  }

  get localParticipant(): CallParticipant | undefined {
    return this.participants.find((p) => p.isLocal);
  }

  get remoteParticipants(): CallParticipant[] {
    return this.participants.filter((p) => !p.isLocal);
  }

  /** The call's stored information (creator, members, custom data, settings), once loaded. */
  get call(): CallInfo | null {
    return this.store.callSubject.value;
  }

  /** Alias of `call.custom`, as apps often want it. */
  get custom(): Record<string, unknown> {
    return this.call?.custom ?? {};
  }
}

/** The writable side of CallState, owned by the Call. */
export class CallStateStore {
  readonly callingStateSubject = new BehaviorSubject<CallingState>(CallingState.UNKNOWN);
  readonly participantsSubject = new BehaviorSubject<CallParticipant[]>([]);
  readonly callSubject = new BehaviorSubject<CallInfo | null>(null);
  readonly capabilitiesSubject = new BehaviorSubject<Capability[]>([]);
  readonly state = new CallState(this);

  constructor(private readonly cid: string) {}

  /** The only way the calling state changes: checked against the transition table. */
  transition(to: CallingState, why: string): void {
    const from = this.callingStateSubject.value;
    if (from === to) return;
    assertTransition(from, to);
    debug('state', `${this.cid} ${from} -> ${to} (${why})`);
    this.callingStateSubject.next(to);
  }

  setParticipants(participants: CallParticipant[]): void {
    this.participantsSubject.next(participants);
  }

  setCall(info: CallInfo): void {
    this.callSubject.next(info);
  }

  setCapabilities(capabilities: Capability[]): void {
    this.capabilitiesSubject.next(capabilities);
  }
}
