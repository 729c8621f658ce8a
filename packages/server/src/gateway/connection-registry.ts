import { encodeEvent, type ServerEvent } from '@confab/protocol';
import type { Notifier } from '../calls/types.js';
import type { Connection } from './connection.js';

/** Live signalling connections of this process, by id and by user: the in-process Notifier. */
export class ConnectionRegistry implements Notifier {
  private readonly connections = new Map<string, Connection>();
  /** Events are encoded once however many connections they go to (broadcasts pass one object around). */
  private readonly encoded = new WeakMap<ServerEvent, string>();
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

  private encode(event: ServerEvent): string {
    let text = this.encoded.get(event);
    if (text === undefined) this.encoded.set(event, (text = encodeEvent(event)));
    return text;
  }

  toConnection(connectionId: string, event: ServerEvent): void {
    const c = this.connections.get(connectionId);
    if (c) c.sendRaw(this.encode(event));
  }

  toUser(userId: string, event: ServerEvent, exceptConnectionIds?: ReadonlySet<string>): void {
    for (const c of this.byUser.get(userId) ?? []) if (!exceptConnectionIds?.has(c.id)) c.sendRaw(this.encode(event));
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
