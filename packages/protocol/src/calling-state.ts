/** The calling state of one call on one client (CONTRACT.md §5, seed 000). */
export const CallingState = {
  UNKNOWN: 'unknown',
  IDLE: 'idle',
  RINGING: 'ringing',
  JOINING: 'joining',
  JOINED: 'joined',
  LEFT: 'left',
  RECONNECTING: 'reconnecting',
  RECONNECTING_FAILED: 'reconnecting-failed',
  MIGRATING: 'migrating',
  OFFLINE: 'offline',
} as const;

export type CallingState = (typeof CallingState)[keyof typeof CallingState];

const S = CallingState;

/**
 * Every allowed transition. The client changes state only through a function that checks this
 * table; anything not listed here is a bug. LEFT is terminal: a left call object is disposed.
 */
export const CALLING_STATE_TRANSITIONS: Readonly<Record<CallingState, readonly CallingState[]>> = {
  [S.UNKNOWN]: [S.IDLE, S.RINGING, S.LEFT],
  // join(); an incoming ring; leave() before joining
  [S.IDLE]: [S.JOINING, S.RINGING, S.LEFT],
  // accept(); ringing stopped elsewhere (answered on another device, cancelled, missed); reject() or call ended
  [S.RINGING]: [S.JOINING, S.IDLE, S.LEFT],
  // joined; join failed (back to idle so join() can be retried); leave() while joining; network lost while joining
  [S.JOINING]: [S.JOINED, S.IDLE, S.LEFT, S.OFFLINE],
  // leave/kick/end; link lost; browser offline; server asks to move
  [S.JOINED]: [S.LEFT, S.RECONNECTING, S.OFFLINE, S.MIGRATING],
  // recovered; gave up; browser went offline; left meanwhile; server asks to move
  [S.RECONNECTING]: [S.JOINED, S.RECONNECTING_FAILED, S.OFFLINE, S.LEFT, S.MIGRATING],
  [S.MIGRATING]: [S.JOINED, S.RECONNECTING, S.RECONNECTING_FAILED, S.OFFLINE, S.LEFT],
  // network back: recovery starts; gave up while offline; left meanwhile
  [S.OFFLINE]: [S.RECONNECTING, S.RECONNECTING_FAILED, S.LEFT],
  // a later join() may start again
  [S.RECONNECTING_FAILED]: [S.JOINING, S.LEFT],
  [S.LEFT]: [],
};

/** Alias with the casing of the enum, for readers who look for it next to CallingState. */
export const CallingStateTransitions = CALLING_STATE_TRANSITIONS;

export function canTransition(from: CallingState, to: CallingState): boolean {
  return CALLING_STATE_TRANSITIONS[from].includes(to);
}

export class InvalidTransitionError extends Error {
  constructor(
    readonly from: CallingState,
    readonly to: CallingState,
  ) {
    super(`invalid calling state transition ${from} -> ${to}`);
    this.name = 'InvalidTransitionError';
  }
}

/** Throws InvalidTransitionError unless the table allows from -> to. */
export function assertTransition(from: CallingState, to: CallingState): void {
  if (!canTransition(from, to)) throw new InvalidTransitionError(from, to);
}

export const ALL_CALLING_STATES: readonly CallingState[] = Object.values(CallingState);
