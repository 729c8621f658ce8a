import type { Call, MessageEvent } from '@confab/client';
import { BehaviorSubject, type Observable } from 'rxjs';
import { type ChatData, type ChatMessage, insertMessage, MAX_CHAT_LENGTH, toChatMessage } from './chat-message';

/**
 * The chat of one call. It listens from before the join, so no message is missed while the call
 * screen mounts. Sent messages are added as the server confirmed them (sendMessage resolves with
 * the stored message); received ones come from `message` events.
 */
export class ChatLog {
  private readonly subject = new BehaviorSubject<ChatMessage[]>([]);
  readonly messages$: Observable<ChatMessage[]> = this.subject.asObservable();

  constructor(private readonly call: Call) {
    // The call drops its listeners when it is left, so this needs no unsubscribing.
    call.on('message', (event) => this.add(event, false));
  }

  get messages(): ChatMessage[] {
    return this.subject.value;
  }

  async send(text: string): Promise<void> {
    const data: ChatData = { type: 'chat', text: text.slice(0, MAX_CHAT_LENGTH) };
    this.add(await this.call.sendMessage(data), true);
  }

  private add(event: MessageEvent, own: boolean): void {
    const message = toChatMessage(event, this.nameOf(event), own);
    if (message) this.subject.next(insertMessage(this.subject.value, message));
  }

  private nameOf({ sessionId, from }: MessageEvent): string {
    const people = this.call.state.participants;
    return people.find((p) => p.sessionId === sessionId)?.name ?? people.find((p) => p.userId === from)?.name ?? from;
  }
}
