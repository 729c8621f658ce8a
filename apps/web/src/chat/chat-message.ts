import type { MessageEvent } from '@confab/client';

/**
 * Chat travels as app messages (call.sendMessage) with this data. Other app messages share the
 * channel, so anything not shaped like this is not chat.
 */
export interface ChatData {
  type: 'chat';
  text: string;
}

export const MAX_CHAT_LENGTH = 2000;

export function isChatData(data: unknown): data is ChatData {
  const d = data as Partial<ChatData> | null;
  return !!d && d.type === 'chat' && typeof d.text === 'string';
}

/** One line of the chat panel. */
export interface ChatMessage {
  id: string;
  seq: number;
  fromUserId: string;
  fromName: string;
  text: string;
  createdAt: Date;
  own: boolean;
  /** Only to some people (received with a `to` list). */
  private: boolean;
}

export function toChatMessage(event: MessageEvent, fromName: string, own: boolean): ChatMessage | null {
  if (!isChatData(event.data)) return null;
  return {
    id: event.id,
    seq: event.seq,
    fromUserId: event.from,
    fromName,
    text: event.data.text,
    createdAt: new Date(event.createdAt),
    own,
    private: event.to !== null,
  };
}

/** Adds a message in server order (seq); a message seen twice is kept once. */
export function insertMessage(list: ChatMessage[], message: ChatMessage): ChatMessage[] {
  if (list.some((m) => m.id === message.id)) return list;
  const next = [...list, message];
  next.sort((a, b) => a.seq - b.seq);
  return next;
}
