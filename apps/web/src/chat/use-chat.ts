import { useObservableValue } from '@confab/react';
import { useCallback, useEffect, useState } from 'react';
import type { ChatMessage } from './chat-message';
import type { ChatLog } from './chat-log';

export interface Chat {
  messages: ChatMessage[];
  /** Received while the panel was closed. */
  unread: number;
  send(text: string): Promise<void>;
}

/** The chat log as React state, with an unread count that clears while the panel is open. */
export function useChat(log: ChatLog, panelOpen: boolean): Chat {
  const messages = useObservableValue(log.messages$, log.messages);
  const received = messages.filter((m) => !m.own).length;
  const [seen, setSeen] = useState(0);
  useEffect(() => {
    if (panelOpen) setSeen(received);
  }, [panelOpen, received]);
  const send = useCallback((text: string) => log.send(text), [log]);
  return { messages, unread: panelOpen ? 0 : Math.max(0, received - seen), send };
}
