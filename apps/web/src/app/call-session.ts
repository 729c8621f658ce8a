import { type Call, CallingState, ConfabError } from '@confab/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ChatLog } from '../chat/chat-log';
import { type IncomingCall, incomingCallOf } from '../ringing/incoming-call';
import { OutgoingRing } from '../ringing/outgoing-ring';
import { generateCallId } from './identity';
import { clearIncomingFlag, showCallRoute } from './routes';
import type { IncomingRing, UserClient, UserClients } from './user-client';

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

/** The call the app is in (or was in, or is joining, or is being rung for), with its user's client. */
export interface CallSession {
  user: UserClient;
  call: Call;
  chat: ChatLog;
  settings: JoinSettings;
  endReason: EndReason;
  /** This user rang people and waits for them (the outgoing-call screen). */
  outgoing: OutgoingRing | null;
  /** Someone rings this user (the incoming-call screen). */
  incoming: IncomingCall | null;
}

/** Whom to ring when starting a call. */
export interface RingRequest {
  userIds: string[];
  topic?: string;
}

export const RING_TIMEOUT_MS = 30_000;

/** States in which the session's call holds the user (a new ring is answered "busy"). */
const IN_CALL = new Set<CallingState>([
  CallingState.RINGING,
  CallingState.JOINING,
  CallingState.JOINED,
  CallingState.RECONNECTING,
  CallingState.MIGRATING,
  CallingState.OFFLINE,
  CallingState.RECONNECTING_FAILED,
]);

export interface CallSessionControls {
  session: CallSession | null;
  /** Why the last join failed (cleared on the next attempt). */
  joinError: ConfabError | null;
  join(settings: JoinSettings): Promise<void>;
  /** Starts a small-group call with a new id and rings `ring.userIds` on all their devices. */
  callPeople(settings: JoinSettings, ring: RingRequest): Promise<void>;
  /** Shows an incoming ring (the user's client got `call.ring`). */
  offerIncoming(ring: IncomingRing, user: UserClient): void;
  /** Takes the ringing call with the lobby's devices. */
  accept(media: Pick<JoinSettings, 'audio' | 'video' | 'audioDeviceId' | 'videoDeviceId'>): Promise<void>;
  decline(): Promise<void>;
  leave(): Promise<void>;
  /** Joins the same call again, with the microphone and camera as they were when leaving. */
  rejoin(): Promise<void>;
  /** After RECONNECTING_FAILED: join the same call object again. */
  retryConnection(): Promise<void>;
  /** Leaves the call (if still in it) and shows the lobby. */
  backToLobby(): void;
}

export interface CallSessionOptions {
  users: UserClients;
  /** The ringing call stopped without this device answering (handled by the caller of this hook). */
  onRingEnded(session: CallSession, endedCall: boolean): void;
}

/**
 * Owns the app's current call: join, ring people, answer a ring, leave, rejoin, back to lobby.
 * Screens get the call and these actions; they never create clients (UserClients does).
 */
export function useCallSession({ users, onRingEnded }: CallSessionOptions): CallSessionControls {
  const [session, setSession] = useState<CallSession | null>(null);
  const [joinError, setJoinError] = useState<ConfabError | null>(null);
  const sessionRef = useRef<CallSession | null>(null);
  sessionRef.current = session;
  const ringEnded = useRef(onRingEnded);
  ringEnded.current = onRingEnded;

  /** Makes `next` the session, releasing the previous call unless it is the same one. */
  const replaceSession = useCallback((next: CallSession | null) => {
    const previous = sessionRef.current;
    if (previous && previous.call !== next?.call) void previous.call.leave();
    sessionRef.current = next;
    setSession(next);
  }, []);

  const startCall = useCallback(
    async (settings: JoinSettings, ring: RingRequest | null) => {
      setJoinError(null);
      let call: Call;
      let user: UserClient;
      try {
        user = users.clientFor(settings);
        call = user.client.call(settings.callType, settings.callId);
      } catch (error) {
        setJoinError(ConfabError.from(error));
        return;
      }
      // A retry of the same call (after a failed join) keeps its chat and listeners.
      const previous = sessionRef.current;
      let next: CallSession;
      if (previous?.call === call) {
        next = { ...previous, user, settings, incoming: null };
      } else {
        next = { user, call, chat: new ChatLog(call), settings, endReason: 'left', outgoing: null, incoming: null };
        const endedBy = (endReason: EndReason) => () => setSession((s) => (s?.call === call ? { ...s, endReason } : s));
        call.on('kicked', endedBy('kicked'));
        call.on('call.ended', endedBy('ended'));
      }
      // Listening before the join: an answer can come before join() resolves.
      if (ring) next.outgoing = new OutgoingRing(call, ring.userIds);
      replaceSession(next);
      if (ring) clearIncomingFlag();
      else showCallRoute(settings);
      try {
        if (settings.videoDeviceId) await call.camera.selectDevice(settings.videoDeviceId);
        if (settings.audioDeviceId) await call.microphone.selectDevice(settings.audioDeviceId);
        const ringOptions = ring
          ? {
              ring: true,
              members: ring.userIds.map((userId) => ({ userId })),
              settings: { ringTimeoutMs: RING_TIMEOUT_MS },
              ...(ring.topic ? { custom: { topic: ring.topic } } : {}),
            }
          : {};
        await call.join({ create: true, audio: settings.audio, video: settings.video, ...ringOptions });
      } catch (error) {
        // The call is back in IDLE, which shows the lobby again with this error.
        setJoinError(ConfabError.from(error));
      }
    },
    [users, replaceSession],
  );

  const join = useCallback((settings: JoinSettings) => startCall(settings, null), [startCall]);

  const callPeople = useCallback(
    (settings: JoinSettings, ring: RingRequest) => startCall({ ...settings, callType: 'p2p', callId: generateCallId() }, ring),
    [startCall],
  );

  const offerIncoming = useCallback(
    ({ call, from }: IncomingRing, user: UserClient) => {
      const current = sessionRef.current;
      if (current && current.call !== call && IN_CALL.has(current.call.state.callingState)) {
        // Already in a call or answering another ring (the SDK answers "busy" while joined; this
        // covers the ringing and failed screens too).
        call.reject('busy').catch(() => undefined);
        return;
      }
      if (call.state.callingState !== CallingState.RINGING) return;
      const incoming = incomingCallOf(call, from);
      const settings: JoinSettings = {
        userId: user.identity.userId,
        name: user.identity.name,
        callType: call.type,
        callId: call.id,
        audio: true,
        video: true,
      };
      const next: CallSession = { user, call, chat: new ChatLog(call), settings, endReason: 'left', outgoing: null, incoming };
      call.on('call.ended', () => setSession((s) => (s?.call === call ? { ...s, endReason: 'ended' } : s)));
      call.on('kicked', () => setSession((s) => (s?.call === call ? { ...s, endReason: 'kicked' } : s)));
      setJoinError(null);
      replaceSession(next);
      // The ring ends without an answer from here: another device answered, the caller gave up,
      // nobody answered in time, or the call ended.
      const watch = call.state.callingState$.subscribe((state) => {
        if (state === CallingState.RINGING) return;
        queueMicrotask(() => watch.unsubscribe());
        if (incoming.answer !== null) return;
        const ended = state === CallingState.LEFT;
        clearIncomingFlag();
        if (sessionRef.current?.call === call) replaceSession(null);
        else void call.leave();
        ringEnded.current(next, ended);
      });
    },
    [replaceSession],
  );

  const accept = useCallback(
    async (media: Pick<JoinSettings, 'audio' | 'video' | 'audioDeviceId' | 'videoDeviceId'>) => {
      const current = sessionRef.current;
      if (!current?.incoming) return;
      const { call, incoming } = current;
      const settings: JoinSettings = { ...current.settings, ...media };
      incoming.answer = 'accepted';
      setJoinError(null);
      setSession((s) => (s?.call === call ? { ...s, settings } : s));
      clearIncomingFlag();
      try {
        if (media.videoDeviceId) await call.camera.selectDevice(media.videoDeviceId).catch(() => undefined);
        if (media.audioDeviceId) await call.microphone.selectDevice(media.audioDeviceId).catch(() => undefined);
        await call.accept({ audio: media.audio, video: media.video });
      } catch (error) {
        const e = ConfabError.from(error);
        if (call.state.callingState === CallingState.RINGING) {
          // The server did not take the answer; the ring goes on (or stops on its own).
          incoming.answer = null;
          throw e;
        }
        // The accept went through but joining failed: the lobby shows why.
        setJoinError(e);
      }
    },
    [],
  );

  const decline = useCallback(async () => {
    const current = sessionRef.current;
    if (!current?.incoming) return;
    current.incoming.answer = 'declined';
    clearIncomingFlag();
    try {
      await current.call.reject('decline');
    } finally {
      if (sessionRef.current?.call === current.call) replaceSession(null);
    }
  }, [replaceSession]);

  const leave = useCallback(async () => {
    const current = sessionRef.current;
    if (!current) return;
    const { call } = current;
    // Remember the devices as they are now, for "Rejoin".
    const settings: JoinSettings = { ...current.settings, audio: call.microphone.enabled, video: call.camera.enabled };
    setSession((s) => (s?.call === call ? { ...s, settings } : s));
    await call.leave();
  }, []);

  const rejoin = useCallback(async () => {
    const current = sessionRef.current;
    if (!current) return;
    // A rejoin is a plain join: nobody is rung again.
    await startCall(current.settings, null);
  }, [startCall]);

  const retryConnection = useCallback(async () => {
    const current = sessionRef.current;
    if (!current) return;
    setJoinError(null);
    try {
      await current.call.join();
    } catch (error) {
      setJoinError(ConfabError.from(error));
    }
  }, []);

  const backToLobby = useCallback(() => {
    setJoinError(null);
    replaceSession(null);
  }, [replaceSession]);

  useEffect(() => () => users.close(), [users]);

  return { session, joinError, join, callPeople, offerIncoming, accept, decline, leave, rejoin, retryConnection, backToLobby };
}
