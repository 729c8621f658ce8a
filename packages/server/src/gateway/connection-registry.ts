import type { ServerEvent } from '@confab/protocol';
import type { Notifier } from '../calls/types.js';
import type { Connection } from './connection.js';

/** Live signalling connections of this process, by id and by user: the in-process Notifier. */
export class ConnectionRegistry implements Notifier {
  private readonly connections = new Map<string, Connection>();
  private readonly byUser = new Map<string, Set<Connection>>();

  add(c: Connection): void {
    this.connections.set(c.id, c);
  }

  /** Indexes an authenticated connection under its user. */
  bindUser(c: Connection): void {
    const userId = c.userId!;
    let set = this.byUser.get(userId);
    if (!set) this.byUser.set(userId, (set = new Set()));
    set.add(c);
  }

  remove(c: Connection): void {
    this.connections.delete(c.id);
    const userId = c.userId;
    if (!userId) return;
    const set = this.byUser.get(userId);
    set?.delete(c);
    if (set?.size === 0) this.byUser.delete(userId);
  }

  toConnection(connectionId: string, event: ServerEvent): void {
    this.connections.get(connectionId)?.send(event);
  }

  toUser(userId: string, event: ServerEvent, exceptConnectionIds?: ReadonlySet<string>): void {
    for (const c of this.byUser.get(userId) ?? []) if (!exceptConnectionIds?.has(c.id)) c.send(event);
  }

  isOnline(userId: string): boolean {
    return (this.byUser.get(userId)?.size ?? 0) > 0;
  }

  all(): IterableIterator<Connection> {
    return this.connections.values();
  }

  get size(): number {
    return this.connections.size;
  }
}
