import { type FormEvent, type KeyboardEvent, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { describeError } from '../app/errors';
import { CloseIcon, SendIcon } from '../ui/icons';
import { type ChatMessage, MAX_CHAT_LENGTH } from './chat-message';
import type { Chat } from './use-chat';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** Messages to everyone in the call, newest at the bottom. */
export function ChatPanel({ chat, onClose, onError }: { chat: Chat; onClose(): void; onError(text: string): void }) {
  const [draft, setDraft] = useState('');
  const [sending, setSending] = useState(false);
  const list = useRef<HTMLOListElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => input.current?.focus(), []);
  useLayoutEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [chat.messages.length]);

  const send = async (event?: FormEvent) => {
    event?.preventDefault();
    const text = draft.trim();
    if (!text || sending) return;
    setSending(true);
    setDraft('');
    try {
      await chat.send(text);
    } catch (error) {
      setDraft(text);
      const e = describeError(error);
      onError(`Message not sent: ${e.message}`);
    } finally {
      setSending(false);
      input.current?.focus();
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };

  return (
    <aside className="chat" aria-label="Chat" data-testid="chat-panel">
      <header className="chat__header">
        <h2>Chat</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close chat" data-testid="chat-close">
          <CloseIcon size={18} />
        </button>
      </header>
      <ol className="chat__messages" ref={list} data-testid="chat-messages">
        {chat.messages.length === 0 && <li className="chat__empty">No messages yet. Messages go to everyone in the call.</li>}
        {chat.messages.map((m, i) => (
          <MessageItem key={m.id} message={m} continued={isContinuation(chat.messages[i - 1], m)} />
        ))}
      </ol>
      <form className="chat__composer" onSubmit={send}>
        <textarea
          ref={input}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
          placeholder="Message everyone"
          rows={1}
          maxLength={MAX_CHAT_LENGTH}
          aria-label="Message"
          data-testid="chat-input"
        />
        <button type="submit" className="icon-button icon-button--accent" disabled={!draft.trim() || sending} aria-label="Send" data-testid="chat-send">
          <SendIcon size={18} />
        </button>
      </form>
    </aside>
  );
}

/** Consecutive messages of one sender within two minutes share one header. */
function isContinuation(previous: ChatMessage | undefined, m: ChatMessage): boolean {
  return !!previous && previous.fromUserId === m.fromUserId && m.createdAt.getTime() - previous.createdAt.getTime() < 120_000;
}

function MessageItem({ message: m, continued }: { message: ChatMessage; continued: boolean }) {
  return (
    <li className={`message ${m.own ? 'message--own' : ''} ${continued ? 'message--continued' : ''}`} data-testid="chat-message" data-from={m.fromUserId}>
      <div className={`message__meta ${continued ? 'visually-hidden' : ''}`}>
        <span className="message__sender" data-testid="chat-message-sender">
          {m.own ? 'You' : m.fromName}
        </span>
        {m.private && <span className="message__private">private</span>}
        <time className="message__time" dateTime={m.createdAt.toISOString()}>
          {timeFormat.format(m.createdAt)}
        </time>
      </div>
      <p className="message__text" data-testid="chat-message-text">
        {m.text}
      </p>
    </li>
  );
}
