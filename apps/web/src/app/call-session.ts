import { type Call, ConfabClient, ConfabError } from '@confab/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ChatLog } from '../chat/chat-log';
import { fetchDemoToken } from './demo-token';
import { showCallRoute } from './routes';

/** Everything the lobby decided: who joins which call, with which devices. */
export interface JoinSettings {
  userId: string;
  name: string;
  callType: string;
  callId: string;
  audio: boolean;
  video: boolean;
  audioDeviceId?: string;
  videoDeviceId?: string;
}

/** Why the user is on the "left" screen. */
export type EndReason = 'left' | 'kicked' | 'ended';

/** The call the app is in (or was in, or is joining), with the client it belongs to. */
export interface CallSession {
  client: ConfabClient;
  call: Call;
  chat: ChatLog;
  settings: JoinSettings;
  endReason: EndReason;
}

export interface CallSessionControls {
  session: CallSession | null;
  /** The settings of the latest join (kept after going back to the lobby, to pre-fill it). */
  lastSettings: JoinSettings | null;
  /** Why the last join failed (cleared on the next attempt). */
  joinError: ConfabError | null;
  join(settings: JoinSettings): Promise<void>;
  leave(): Promise<void>;
  /** Joins the same call again, with the microphone and camera as they were when leaving. */
  rejoin(): Promise<void>;
  backToLobby(): void;
}

function clientKey(s: JoinSettings): string {
  return `${s.userId}\n${s.name}`;
}

/**
 * Owns the app's ConfabClient (one per user id and name, tokens from the demo endpoint) and the
 * current call. Screens get the call and these actions; they never create clients themselves.
 */
export function useCallSession(): CallSessionControls {
  const [session, setSession] = useState<CallSession | null>(null);
  const [joinError, setJoinError] = useState<ConfabError | null>(null);
  const [lastSettings, setLastSettings] = useState<JoinSettings | null>(null);
  const clientRef = useRef<{ key: string; client: ConfabClient } | null>(null);
  const sessionRef = useRef<CallSession | null>(null);
  sessionRef.current = session;

  const clientFor = useCallback((settings: JoinSettings): ConfabClient => {
    const key = clientKey(settings);
    if (clientRef.current?.key === key) return clientRef.current.client;
    void clientRef.current?.client.disconnect();
    const { userId, name } = settings;
    const client = new ConfabClient({
      url: location.origin,
      user: { id: userId, name },
      tokenProvider: () => fetchDemoToken(userId, name),
    });
    clientRef.current = { key, client };
    return client;
  }, []);

  const join = useCallback(
    async (settings: JoinSettings) => {
      setJoinError(null);
      let call: Call;
      let client: ConfabClient;
      try {
        client = clientFor(settings);
        call = client.call(settings.callType, settings.callId);
      } catch (error) {
        setJoinError(ConfabError.from(error));
        return;
      }
      // A call that failed to join, or was left, is released before the next one; the same call
      // (a retry after a failed join) keeps its chat and listeners.
      const previous = sessionRef.current;
      let next: CallSession;
      if (previous?.call === call) {
        next = { ...previous, client, settings };
      } else {
        if (previous) void previous.call.leave();
        next = { client, call, chat: new ChatLog(call), settings, endReason: 'left' };
        const endedBy = (endReason: EndReason) => () => setSession((s) => (s?.call === call ? { ...s, endReason } : s));
        call.on('kicked', endedBy('kicked'));
        call.on('call.ended', endedBy('ended'));
      }
      setSession(next);
      setLastSettings(settings);
      showCallRoute(settings);
      try {
        if (settings.videoDeviceId) await call.camera.selectDevice(settings.videoDeviceId);
        if (settings.audioDeviceId) await call.microphone.selectDevice(settings.audioDeviceId);
        await call.join({ create: true, audio: settings.audio, video: settings.video });
      } catch (error) {
        // The call is back in IDLE, which shows the lobby again with this error.
        setJoinError(ConfabError.from(error));
      }
    },
    [clientFor],
  );

  const leave = useCallback(async () => {
    const current = sessionRef.current;
    if (!current) return;
    const { call } = current;
    // Remember the devices as they are now, for "Rejoin".
    const settings: JoinSettings = { ...current.settings, audio: call.microphone.enabled, video: call.camera.enabled };
    setSession((s) => (s?.call === call ? { ...s, settings } : s));
    setLastSettings(settings);
    await call.leave();
  }, []);

  const rejoin = useCallback(async () => {
    const current = sessionRef.current;
    if (current) await join(current.settings);
  }, [join]);

  const backToLobby = useCallback(() => {
    const current = sessionRef.current;
    setSession(null);
    setJoinError(null);
    void current?.call.leave();
  }, []);

  useEffect(
    () => () => {
      void clientRef.current?.client.disconnect();
      clientRef.current = null;
    },
    [],
  );

  return { session, lastSettings, joinError, join, leave, rejoin, backToLobby };
}
