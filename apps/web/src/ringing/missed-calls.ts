import { BehaviorSubject, type Observable } from 'rxjs';
import type { MyCall } from '../api/rest';

/** A ring that ended without the user answering it on any device. */
export interface MissedCall {
  cid: string;
  callType: string;
  callId: string;
  fromUserId: string;
  fromName: string;
  /** ISO time of the ring. */
  at: string;
}

const MAX_SHOWN = 5;
const storageKey = (userId: string) => `confab.missed-cleared.${userId}`;

/**
 * The lobby's list of missed calls for one user: rings this page saw end unanswered, merged with
 * the server's call history (which also knows rings that came while no device was connected).
 * "Clear" hides everything up to now, remembered in the browser.
 */
export class MissedCalls {
  private readonly subject = new BehaviorSubject<MissedCall[]>([]);
  readonly list$: Observable<MissedCall[]> = this.subject.asObservable();
  private readonly names = new Map<string, string>();
  private clearedAt: string;

  constructor(readonly userId: string) {
    this.clearedAt = readClearedAt(userId);
  }

  get list(): MissedCall[] {
    return this.subject.value;
  }

  /** A caller's display name, learned from a ring, to show for entries that only have the id. */
  rememberName(userId: string, name: string): void {
    this.names.set(userId, name);
    const list = this.subject.value;
    if (list.some((m) => m.fromUserId === userId && m.fromName !== name)) {
      this.subject.next(list.map((m) => (m.fromUserId === userId ? { ...m, fromName: name } : m)));
    }
  }

  add(entry: MissedCall): void {
    this.names.set(entry.fromUserId, entry.fromName);
    this.publish([entry, ...this.subject.value]);
  }

  /** Adds the server's missed and cancelled rings to this user. */
  mergeHistory(calls: MyCall[]): void {
    const fromServer: MissedCall[] = [];
    for (const c of calls) {
      const ring = c.myRing;
      if (!ring || (ring.status !== 'missed' && ring.status !== 'cancelled')) continue;
      fromServer.push({ cid: c.cid, callType: c.type, callId: c.id, fromUserId: ring.rungBy, fromName: this.names.get(ring.rungBy) ?? ring.rungBy, at: ring.rungAt });
    }
    this.publish([...this.subject.value, ...fromServer]);
  }

  clear(): void {
    this.clearedAt = new Date().toISOString();
    try {
      localStorage.setItem(storageKey(this.userId), this.clearedAt);
    } catch {
      // Not remembered after a reload; the list is still cleared now.
    }
    this.subject.next([]);
  }

  /** Forgets one entry (the user called back). */
  dismiss(cid: string): void {
    this.subject.next(this.subject.value.filter((m) => m.cid !== cid));
  }

  private publish(entries: MissedCall[]): void {
    const byCid = new Map<string, MissedCall>();
    for (const e of entries) {
      if (e.at <= this.clearedAt) continue;
      const seen = byCid.get(e.cid);
      // One line per call; the local entry (with the caller's name) wins over the server's.
      if (!seen) byCid.set(e.cid, e);
    }
    const list = [...byCid.values()].sort((a, b) => b.at.localeCompare(a.at)).slice(0, MAX_SHOWN);
    this.subject.next(list);
  }
}

function readClearedAt(userId: string): string {
  try {
    return localStorage.getItem(storageKey(userId)) ?? '';
  } catch {
    return '';
  }
}
