import type { Call, CallParticipant } from '@confab/client';
import { useCallEvent } from '@confab/react';
import { useCallback, useRef, useState } from 'react';
import { type ChatData, type ChatMessage, insertMessage, MAX_CHAT_LENGTH, toChatMessage } from './chat-message';

export interface Chat {
  messages: ChatMessage[];
  /** Received since the panel was last open. */
  unread: number;
  send(text: string): Promise<void>;
  markRead(): void;
}

/**
 * The call's chat: sent messages as the server confirmed them (sendMessage resolves with the
 * stored message), received ones from `message` events. Kept while the panel is closed.
 */
export function useChat(call: Call, participants: CallParticipant[], panelOpen: boolean): Chat {
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [unread, setUnread] = useState(0);
  const people = useRef(participants);
  people.current = participants;
  const open = useRef(panelOpen);
  open.current = panelOpen;

  const nameOf = (sessionId: string, userId: string) =>
    people.current.find((p) => p.sessionId === sessionId)?.name ?? people.current.find((p) => p.userId === userId)?.name ?? userId;

  useCallEvent(call, 'message', (event) => {
    const message = toChatMessage(event, nameOf(event.sessionId, event.from), false);
    if (!message) return;
    setMessages((list) => insertMessage(list, message));
    if (!open.current) setUnread((n) => n + 1);
  });

  const send = useCallback(
    async (text: string) => {
      const data: ChatData = { type: 'chat', text: text.slice(0, MAX_CHAT_LENGTH) };
      const sent = await call.sendMessage(data);
      const self = people.current.find((p) => p.isLocal);
      const message = toChatMessage(sent, self?.name ?? sent.from, true);
      if (message) setMessages((list) => insertMessage(list, message));
    },
    [call],
  );

  const markRead = useCallback(() => setUnread(0), []);

  return { messages, unread, send, markRead };
}
