import { type Call, CallingState } from '@confab/client';
import { CallProvider, useObservableValue } from '@confab/react';
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { type Observable, of } from 'rxjs';
import { type CallSession, type JoinSettings, useCallSession } from './app/call-session';
import { DEFAULT_CALL_TYPE } from './app/call-types';
import { generateCallId, loadProfile, userIdFromName } from './app/identity';
import { isIncomingLink, parseCallRoute } from './app/routes';
import { usePresence, validIdentity } from './app/use-presence';
import { UserClients } from './app/user-client';
import { CallPersonForm } from './lobby/CallPersonForm';
import { MissedCallsList } from './lobby/MissedCallsList';
import { PresenceStatus } from './lobby/PresenceStatus';
import { useWebPush } from './push/use-web-push';
import { ringEndNotice, ringEndReason } from './ringing/incoming-call';
import { type CalleeOutcome, phaseOf } from './ringing/outgoing-ring';
import { useMissedCalls } from './ringing/use-missed-calls';
import { CallScreen } from './screens/CallScreen';
import { ConnectionLostScreen } from './screens/ConnectionLostScreen';
import { IncomingCallScreen } from './screens/IncomingCallScreen';
import { JoiningScreen } from './screens/JoiningScreen';
import { LeftScreen } from './screens/LeftScreen';
import { LobbyScreen, type LobbyValues } from './screens/LobbyScreen';
import { OutgoingCallScreen } from './screens/OutgoingCallScreen';
import { Notice, type NoticeView } from './ui/Notice';

const NO_CALL$ = of<CallingState>(CallingState.IDLE);
const NO_CALLEES$: Observable<CalleeOutcome[]> = of([]);
const RECOVERING = new Set<CallingState>([CallingState.RECONNECTING, CallingState.OFFLINE, CallingState.MIGRATING]);

/** The calling state of the app's call; IDLE (the lobby) before there is one. */
function useAppCallingState(call: Call | undefined): CallingState {
  return useObservableValue(call?.state.callingState$ ?? NO_CALL$, call?.state.callingState ?? CallingState.IDLE);
}

/** The lobby starts from the URL's call, else what it showed last, else the remembered profile. */
function lobbyValues(last: LobbyValues | null): LobbyValues {
  const profile = loadProfile();
  const route = parseCallRoute(location.pathname);
  const name = last?.name ?? profile.name;
  return {
    name,
    userId: last?.userId ?? (profile.userIdEdited ? profile.userId : userIdFromName(profile.name) || profile.userId),
    userIdEdited: last?.userIdEdited ?? profile.userIdEdited,
    callType: route?.callType ?? last?.callType ?? DEFAULT_CALL_TYPE,
    callId: route?.callId ?? last?.callId ?? generateCallId(),
    audio: last?.audio ?? true,
    video: last?.video ?? true,
    ...(last?.audioDeviceId ? { audioDeviceId: last.audioDeviceId } : {}),
    ...(last?.videoDeviceId ? { videoDeviceId: last.videoDeviceId } : {}),
  };
}

/** One screen per calling state (seed 000): the switch is exhaustive, so a new state will not compile until handled. */
export function App() {
  const [notice, setNotice] = useState<NoticeView | null>(null);
  const [lobby, setLobby] = useState<LobbyValues>(() => lobbyValues(null));
  const lobbyRef = useRef(lobby);
  lobbyRef.current = lobby;
  const controls = useRef<ReturnType<typeof useCallSession> | null>(null);
  const [users] = useState(
    () =>
      new UserClients(
        (ring, owner) => controls.current?.offerIncoming(ring, owner),
        () => {
          const call = controls.current?.session?.call;
          return !!call && RECOVERING.has(call.state.callingState);
        },
      ),
  );
  const { user, status } = usePresence(users, validIdentity(lobby.name, lobby.userId));
  const online = status?.state === 'online';
  const push = useWebPush(user, online);
  const missed = useMissedCalls(user, online);
  const missedStore = missed.store;

  const onRingEnded = useCallback(
    (ended: CallSession, endedCall: boolean) => {
      const { call, incoming, user: owner } = ended;
      if (!incoming) return;
      const rungAt = new Date().toISOString();
      missedStore?.rememberName(incoming.from.userId, incoming.from.name);
      void ringEndReason(owner.tokens, call, owner.identity.userId, endedCall).then((end) => {
        setNotice({ id: Date.now(), text: ringEndNotice(end, incoming.from.name), tone: end === 'missed' ? 'warning' : 'info' });
        if (end === 'missed') {
          missedStore?.add({ cid: call.cid, callType: call.type, callId: call.id, fromUserId: incoming.from.userId, fromName: incoming.from.name, at: rungAt });
        }
      });
    },
    [missedStore],
  );

  const session = useCallSession({ users, onRingEnded });
  controls.current = session;
  const current = session.session;
  const callingState = useAppCallingState(current?.call);
  const callees = useObservableValue(current?.outgoing?.callees$ ?? NO_CALLEES$, current?.outgoing?.callees ?? []);

  useEffect(() => {
    document.title = current?.incoming && callingState === CallingState.RINGING ? `${current.incoming.from.name} is calling · Confab` : current && callingState === CallingState.JOINED ? `${current.call.id} · Confab` : 'Confab';
  }, [current, callingState]);

  // A new call clears the last notice.
  useEffect(() => {
    if (current) setNotice(null);
  }, [current?.call]); // eslint-disable-line react-hooks/exhaustive-deps

  const join = useCallback((settings: JoinSettings) => session.join(settings), [session]);
  const { callPeople } = session;

  const lobbyScreen = (
    <LobbyScreen
      initial={lobby}
      error={session.joinError}
      onJoin={join}
      onCall={callPeople}
      onChange={setLobby}
      notice={notice && <Notice notice={notice} onDismiss={() => setNotice(null)} />}
      presence={
        <>
          <PresenceStatus userId={user?.identity.userId ?? null} presence={status} push={push} />
          {isIncomingLink() && (
            <p className="presence__hint" data-testid="incoming-link-hint">
              You were called: the call shows here as soon as you are online, if it is still ringing.
            </p>
          )}
        </>
      }
      renderCalling={({ ready, busy, userId, callPeople: ring }) => (
        <>
          <CallPersonForm userId={userId} ready={ready} busy={busy} onCall={ring} />
          <MissedCallsList
            calls={missed.list}
            canCall={ready && !busy}
            onClear={() => missedStore?.clear()}
            onCallBack={(m) => {
              missedStore?.dismiss(m.cid);
              ring({ userIds: [m.fromUserId] });
            }}
          />
        </>
      )}
    />
  );
  if (!current) return lobbyScreen;
  const withCall = (screen: ReactNode) => <CallProvider call={current.call}>{screen}</CallProvider>;
  const { call } = current;

  switch (callingState) {
    case CallingState.UNKNOWN:
    case CallingState.IDLE:
      return lobbyScreen;
    case CallingState.RINGING:
      if (!current.incoming) return lobbyScreen;
      return withCall(
        <IncomingCallScreen
          cid={call.cid}
          callType={call.type}
          incoming={current.incoming}
          media={lobbyRef.current}
          onAccept={session.accept}
          onDecline={session.decline}
        />,
      );
    case CallingState.JOINING:
      return withCall(<JoiningScreen title={joiningTitle(current)} />);
    case CallingState.JOINED:
    case CallingState.RECONNECTING:
    case CallingState.MIGRATING:
    case CallingState.OFFLINE:
      if (current.outgoing && phaseOf(callees) !== 'answered') {
        return withCall(<OutgoingCallScreen ring={current.outgoing} onCancel={session.backToLobby} />);
      }
      return withCall(<CallScreen session={current} callingState={callingState} onLeave={session.leave} />);
    case CallingState.RECONNECTING_FAILED:
      return withCall(<ConnectionLostScreen callId={call.id} onRejoin={session.retryConnection} onLeave={session.backToLobby} />);
    case CallingState.LEFT:
      return withCall(<LeftScreen callId={call.id} reason={current.endReason} onRejoin={session.rejoin} onBackToLobby={session.backToLobby} />);
    default: {
      const unhandled: never = callingState;
      throw new Error(`Unknown calling state: ${String(unhandled)}`);
    }
  }
}

function joiningTitle(session: CallSession): string {
  if (session.outgoing) return `Calling ${session.outgoing.calleeIds.join(', ')}…`;
  if (session.incoming) return `Connecting to ${session.incoming.from.name}…`;
  return `Joining ${session.call.id}…`;
}
