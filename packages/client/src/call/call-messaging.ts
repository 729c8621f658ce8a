import type { ChatMessage } from '@confab/protocol';
import { ConfabError } from '../errors.js';
import type { CallHost } from './call-host.js';
import { MessageLedger } from './message-ledger.js';
import type { MessageEvent, SendMessageOptions } from './types.js';

export function toMessageEvent(m: ChatMessage): MessageEvent {
  return { id: m.id, seq: m.seq, from: m.from, sessionId: m.sessionId, data: m.data, to: m.to, createdAt: m.createdAt };
}

/**
 * A call's messages: sent in order and exactly once (queued while recovering, retried with the
 * same id), received without duplicates, acknowledged, and history on request.
 */
export class CallMessaging {
  private readonly ledger = new MessageLedger();
  private flushing = false;
  private ackTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly cid: string,
    private readonly host: CallHost,
    /** Whether the call is joined right now (messages go out only then). */
    private readonly joined: () => boolean,
    private readonly deliver: (message: MessageEvent) => void,
  ) {}

  /** Highest sequence number processed; recovery asks the server for what came after it. */
  get lastSeq(): number {
    return this.ledger.lastSeq;
  }

  send(data: unknown, options: SendMessageOptions): Promise<MessageEvent> {
    if (data === undefined) return Promise.reject(new ConfabError('INVALID_ARGUMENT', 'message data is required'));
    const sent = this.ledger.enqueue(data, options.to);
    void this.flush();
    return sent.then(toMessageEvent);
  }

  /** Sends queued messages one at a time, in order, while joined; a lost link leaves them queued. */
  async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (let item = this.ledger.peek(); item && this.joined(); item = this.ledger.peek()) {
        try {
          const payload = { cid: this.cid, id: item.id, data: item.data, ...(item.to ? { to: item.to } : {}) };
          this.ledger.sent((await this.host.request('message.send', payload)).message);
        } catch (error) {
          const e = ConfabError.from(error);
          if (e.code === 'UNAVAILABLE' || e.code === 'TIMEOUT') break;
          this.ledger.refused(e);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  receive(message: ChatMessage): void {
    if (!this.ledger.accept(message)) return;
    this.deliver(toMessageEvent(message));
    this.scheduleAck();
  }

  receiveAll(messages: ChatMessage[]): void {
    for (const m of messages) this.receive(m);
  }

  /** Tells the server, at most once a second, the last message processed (replay starts after it). */
  private scheduleAck(): void {
    if (this.ackTimer) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = null;
      if (this.joined()) this.host.request('message.ack', { cid: this.cid, seq: this.ledger.lastSeq }).catch(() => undefined);
    }, 1000);
  }

  /** Message history visible to this user, oldest first: before a sequence number, at most `limit`. */
  async query(options: { before?: number; limit?: number } = {}): Promise<MessageEvent[]> {
    const { messages } = await this.host.request('message.query', { cid: this.cid, ...options });
    return messages.map(toMessageEvent);
  }

  /** An app event to everyone (or `to` some users): delivered now, never stored, not a chat message. */
  async sendCustomEvent(data: unknown, to?: string[]): Promise<void> {
    await this.host.request('event.send', to ? { cid: this.cid, data, to } : { cid: this.cid, data });
  }

  /** Rejects everything still queued. */
  failAll(error: ConfabError): void {
    this.ledger.failAll(error);
  }

  dispose(error: ConfabError): void {
    this.failAll(error);
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
  }
}
