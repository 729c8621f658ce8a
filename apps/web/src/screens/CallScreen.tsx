import type { CallingState } from '@confab/client';
import { useCall, useCallEvent, useParticipants } from '@confab/react';
import { useCallback, useState } from 'react';
import type { CallSession } from '../app/call-session';
import { describeError } from '../app/errors';
import { callLink } from '../app/routes';
import { CallHeader } from '../call/CallHeader';
import { ConnectionBanner } from '../call/ConnectionBanner';
import { ControlBar } from '../call/ControlBar';
import { VideoGrid } from '../call/VideoGrid';
import { ChatPanel } from '../chat/ChatPanel';
import { useChat } from '../chat/use-chat';
import { Toasts, useToasts } from '../ui/Toasts';

interface CallScreenProps {
  session: CallSession;
  /** JOINED, or a state in which the call is being restored (a banner says so). */
  callingState: CallingState;
  onLeave(): void;
}

/** The call: grid of tiles, controls, chat. */
export function CallScreen({ session, callingState, onLeave }: CallScreenProps) {
  const call = useCall();
  const participants = useParticipants(call);
  const [chatOpen, setChatOpen] = useState(false);
  const chat = useChat(session.chat, chatOpen);
  const { toasts, show, dismiss } = useToasts();

  useCallEvent(call, 'participant.joined', ({ participant }) => show(`${participant.name} joined`));
  useCallEvent(call, 'participant.left', ({ participant, reason }) =>
    show(reason === 'timeout' ? `${participant.name} lost their connection` : `${participant.name} left`),
  );

  const run = useCallback(
    (what: string, action: () => Promise<void>) => {
      action().catch((error) => {
        const e = describeError(error);
        show(what === 'call' ? `Could not end the call: ${e.message}` : `Could not change the ${what}: ${e.message}`, 'error');
      });
    },
    [show],
  );

  return (
    <div className="call-screen" data-testid="call-screen" data-calling-state={callingState}>
      <CallHeader callId={call.id} callType={call.type} link={callLink(session.settings)} participantCount={participants.length} />
      <ConnectionBanner callingState={callingState} />
      <div className={`call-screen__body ${chatOpen ? 'call-screen__body--chat' : ''}`}>
        <main className="call-screen__stage">
          <VideoGrid participants={participants} />
        </main>
        {chatOpen && <ChatPanel chat={chat} onClose={() => setChatOpen(false)} onError={(text) => show(text, 'error')} />}
      </div>
      <ControlBar call={call} userId={session.user.client.user?.id ?? session.settings.userId} chatOpen={chatOpen} unread={chat.unread} onToggleChat={() => setChatOpen((o) => !o)} onLeave={onLeave} run={run} />
      <Toasts toasts={toasts} onDismiss={dismiss} />
    </div>
  );
}
