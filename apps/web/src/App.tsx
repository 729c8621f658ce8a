import { type Call, CallingState } from '@confab/client';
import { CallProvider, useObservableValue } from '@confab/react';
import { type ReactNode, useEffect, useMemo } from 'react';
import { of } from 'rxjs';
import { type JoinSettings, useCallSession } from './app/call-session';
import { DEFAULT_CALL_TYPE } from './app/call-types';
import { generateCallId, loadProfile } from './app/identity';
import { parseCallRoute } from './app/routes';
import { CallScreen } from './screens/CallScreen';
import { ConnectionLostScreen } from './screens/ConnectionLostScreen';
import { IncomingCallScreen } from './screens/IncomingCallScreen';
import { JoiningScreen } from './screens/JoiningScreen';
import { LeftScreen } from './screens/LeftScreen';
import { LobbyScreen, type LobbyValues } from './screens/LobbyScreen';

const NO_CALL$ = of<CallingState>(CallingState.IDLE);

/** The calling state of the app's call; IDLE (the lobby) before there is one. */
function useAppCallingState(call: Call | undefined): CallingState {
  return useObservableValue(call?.state.callingState$ ?? NO_CALL$, call?.state.callingState ?? CallingState.IDLE);
}

/** The lobby starts from the URL's call, else the last join, else the remembered profile. */
function lobbyValues(last: JoinSettings | null): LobbyValues {
  const profile = loadProfile();
  const route = parseCallRoute(location.pathname);
  return {
    name: last?.name ?? profile.name,
    userId: last?.userId ?? profile.userId,
    userIdEdited: profile.userIdEdited,
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
  const { session, lastSettings, joinError, join, leave, rejoin, backToLobby } = useCallSession();
  const callingState = useAppCallingState(session?.call);
  const lobbyInitial = useMemo(() => lobbyValues(lastSettings), [lastSettings]);

  useEffect(() => {
    document.title = session && callingState === CallingState.JOINED ? `${session.call.id} · Confab` : 'Confab';
  }, [session, callingState]);

  const lobby = <LobbyScreen initial={lobbyInitial} error={joinError} onJoin={join} />;
  if (!session) return lobby;
  const withCall = (screen: ReactNode) => <CallProvider call={session.call}>{screen}</CallProvider>;

  switch (callingState) {
    case CallingState.UNKNOWN:
    case CallingState.IDLE:
      return lobby;
    case CallingState.RINGING:
      return withCall(<IncomingCallScreen />);
    case CallingState.JOINING:
      return withCall(<JoiningScreen />);
    case CallingState.JOINED:
    case CallingState.RECONNECTING:
    case CallingState.MIGRATING:
    case CallingState.OFFLINE:
      return withCall(<CallScreen session={session} callingState={callingState} onLeave={leave} />);
    case CallingState.RECONNECTING_FAILED:
      return withCall(<ConnectionLostScreen onBackToLobby={backToLobby} />);
    case CallingState.LEFT:
      return withCall(<LeftScreen callId={session.call.id} reason={session.endReason} onRejoin={rejoin} onBackToLobby={backToLobby} />);
    default: {
      const unhandled: never = callingState;
      throw new Error(`Unknown calling state: ${String(unhandled)}`);
    }
  }
}
