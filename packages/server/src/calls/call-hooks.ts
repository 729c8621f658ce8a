import type { LeaveReason, TrackKind } from '@confab/protocol';
import type { LiveSession } from './types.js';

/** What other parts of the calls domain want to hear about sessions (ringing, for one). */
export interface CallHooks {
  sessionJoined?(session: LiveSession): void;
  sessionLeft?(session: LiveSession, reason: LeaveReason | 'ended'): void;
  callEnded?(cid: string): void;
  /** A session's published kinds changed (mute, unmute, moderator action). */
  tracksChanged?(session: LiveSession, added: TrackKind[], removed: TrackKind[]): void;
}

/** A list of hooks called safely: a failing hook is logged and cannot break the caller. */
export class HookList {
  private readonly hooks: CallHooks[] = [];

  constructor(private readonly onError: (error: unknown, hook: string) => void) {}

  add(hooks: CallHooks): void {
    this.hooks.push(hooks);
  }

  sessionJoined(session: LiveSession): void {
    for (const h of this.hooks) this.safely('sessionJoined', () => h.sessionJoined?.(session));
  }

  sessionLeft(session: LiveSession, reason: LeaveReason | 'ended'): void {
    for (const h of this.hooks) this.safely('sessionLeft', () => h.sessionLeft?.(session, reason));
  }

  tracksChanged(session: LiveSession, added: TrackKind[], removed: TrackKind[]): void {
    if (added.length + removed.length === 0) return;
    for (const h of this.hooks) this.safely('tracksChanged', () => h.tracksChanged?.(session, added, removed));
  }

  callEnded(cid: string): void {
    for (const h of this.hooks) this.safely('callEnded', () => h.callEnded?.(cid));
  }

  private safely(name: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.onError(error, name);
    }
  }
}
