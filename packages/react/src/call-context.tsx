import type { Call } from '@confab/client';
import { createContext, useContext, type ReactNode } from 'react';

const CallContext = createContext<Call | null>(null);

/** Makes `call` available to every hook and component below it. */
export function CallProvider({ call, children }: { call: Call; children?: ReactNode }) {
  return <CallContext.Provider value={call}>{children}</CallContext.Provider>;
}

/** The call of the nearest CallProvider; throws when there is none. */
export function useCall(): Call {
  const call = useContext(CallContext);
  if (!call) throw new Error('useCall() needs a <CallProvider call={call}> above it');
  return call;
}

/** The call passed in, or else the one of the nearest CallProvider. */
export function useCallOrContext(call: Call | undefined): Call {
  const fromContext = useContext(CallContext);
  const resolved = call ?? fromContext;
  if (!resolved) throw new Error('pass a call, or render inside a <CallProvider call={call}>');
  return resolved;
}
