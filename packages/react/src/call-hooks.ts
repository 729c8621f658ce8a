import { useEffect, useRef } from 'react';
import type { Call, CallEvents, CallInfo, CallingState, CallParticipant, SourceStatus } from '@confab/client';
import type { Observable } from 'rxjs';
import { useCallOrContext } from './call-context.js';
import { useObservableValue } from './use-observable-value.js';

/** The calling state (CONTRACT.md §5); switch on it exhaustively. */
export function useCallingState(call?: Call): CallingState {
  const c = useCallOrContext(call);
  return useObservableValue(c.state.callingState$, c.state.callingState);
}

/** Everyone in the call, the local participant included. */
export function useParticipants(call?: Call): CallParticipant[] {
  const c = useCallOrContext(call);
  return useObservableValue(c.state.participants$, c.state.participants);
}

/** The local participant, once joined. */
export function useLocalParticipant(call?: Call): CallParticipant | undefined {
  const c = useCallOrContext(call);
  return useObservableValue(c.state.localParticipant$, c.state.localParticipant);
}

/** Everyone in the call except the local participant. */
export function useRemoteParticipants(call?: Call): CallParticipant[] {
  const c = useCallOrContext(call);
  return useObservableValue(c.state.remoteParticipants$, c.state.remoteParticipants);
}

/** The call's stored information (creator, members, custom data, settings); null until loaded. */
export function useCallInfo(call?: Call): CallInfo | null {
  const c = useCallOrContext(call);
  return useObservableValue(c.state.call$, c.state.call);
}

/** What every local media source (call.camera, call.microphone, call.screenShare) exposes. */
export interface ObservableSource {
  readonly status: SourceStatus;
  readonly status$: Observable<SourceStatus>;
}

/** 'enabled' or 'disabled', for call.camera, call.microphone or call.screenShare. */
export function useSourceStatus(source: ObservableSource): SourceStatus {
  return useObservableValue(source.status$, source.status);
}

/**
 * Calls `handler` for each `name` event of the call while mounted. The latest handler is used, so
 * it may close over fresh state without re-subscribing.
 */
export function useCallEvent<K extends keyof CallEvents>(call: Call, name: K, handler: (payload: CallEvents[K]) => void): void {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => call.on(name, (payload) => latest.current(payload)), [call, name]);
}
