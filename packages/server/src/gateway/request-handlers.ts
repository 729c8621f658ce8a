import type { RequestPayload, RequestResult, RequestType } from '@confab/protocol';
import type { CallService } from '../calls/call-service.js';
import type { SessionRelay } from '../calls/session-relay.js';
import type { Caller } from '../calls/types.js';
import { ServiceError } from '../errors.js';

type Handled = Exclude<RequestType, 'auth'>;

/** One handler per request type; the mapped type makes the compiler insist on every one. */
export type RequestHandlers = {
  [T in Handled]: (caller: Caller, payload: RequestPayload<T>) => Promise<RequestResult<T>> | RequestResult<T>;
};

const unimplemented = (what: string) => (): never => {
  throw new ServiceError('UNIMPLEMENTED', `${what} is not implemented yet`);
};

export function createRequestHandlers(calls: CallService, relay: SessionRelay): RequestHandlers {
  return {
    ping: () => ({ now: Date.now() }),
    'call.get': async (caller, p) => ({ call: await calls.get(caller, p.type, p.id) }),
    'call.getOrCreate': async (caller, p) => {
      if (p.ring) unimplemented('ringing')();
      const { call, created } = await calls.getOrCreate(caller, p);
      return { call, created };
    },
    'call.join': (caller, p) => {
      if (p.ring) unimplemented('ringing')();
      return calls.join(caller, p);
    },
    'call.leave': async (caller, p) => {
      await calls.leave(caller, p.cid);
      return {};
    },
    'call.ring': unimplemented('ringing'),
    'call.accept': unimplemented('accepting a ringing call'),
    'call.reject': unimplemented('rejecting a ringing call'),
    'call.end': unimplemented('ending a call for everyone'),
    'tracks.update': (caller, p) => {
      relay.updateTracks(caller, p);
      return {};
    },
    signal: (caller, p) => {
      relay.signal(caller, p);
      return {};
    },
    'message.send': async (caller, p) => ({ message: await relay.sendMessage(caller, p) }),
  };
}
