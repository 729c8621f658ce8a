import type { ChatMessage } from '@confab/protocol';
import { ConfabError } from '../errors.js';

/** How many recent message ids are remembered to drop duplicates. */
const SEEN_IDS = 2000;

export interface OutgoingMessage {
  id: string;
  data: unknown;
  to: string[] | undefined;
  resolve: (message: ChatMessage) => void;
  reject: (error: ConfabError) => void;
}

function randomId(): string {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `m${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`;
}

/**
 * The call's message bookkeeping: incoming messages deduplicated by id with the highest sequence
 * number processed, and outgoing ones kept in order until the server has them.
 */
export class MessageLedger {
  private readonly seen = new Set<string>();
  private readonly seenOrder: string[] = [];
  private readonly outbox: OutgoingMessage[] = [];
  /** Highest sequence number processed; recovery asks the server for what came after it. */
  lastSeq = 0;

  /** True the first time a message id is seen; false for a duplicate. */
  accept(message: Pick<ChatMessage, 'id' | 'seq'>): boolean {
    if (this.seen.has(message.id)) return false;
    this.seen.add(message.id);
    this.seenOrder.push(message.id);
    if (this.seenOrder.length > SEEN_IDS) this.seen.delete(this.seenOrder.shift()!);
    this.lastSeq = Math.max(this.lastSeq, message.seq);
    return true;
  }

  enqueue(data: unknown, to: string[] | undefined): Promise<ChatMessage> {
    return new Promise((resolve, reject) => this.outbox.push({ id: randomId(), data, to, resolve, reject }));
  }

  get pending(): number {
    return this.outbox.length;
  }

  /** The oldest message not yet acknowledged by the server. */
  peek(): OutgoingMessage | undefined {
    return this.outbox[0];
  }

  /** The server stored the oldest message. */
  sent(message: ChatMessage): void {
    const item = this.outbox.shift();
    if (!item) return;
    this.accept(message);
    item.resolve(message);
  }

  /** The server refused the oldest message: drop it with that error. */
  refused(error: ConfabError): void {
    this.outbox.shift()?.reject(error);
  }

  /** Rejects everything still queued (the call gave up or was left). */
  failAll(error: ConfabError): void {
    for (const item of this.outbox.splice(0)) item.reject(error);
  }
}

export { randomId };
