import type { RequestPayload, RequestResult, RequestType } from '@confab/protocol';
import type { CallService } from '../calls/call-service.js';
import type { ModerationService } from '../calls/moderation-service.js';
import type { RingService } from '../calls/ring-service.js';
import type { SfuBridge } from '../calls/sfu-bridge.js';
import type { SessionRelay } from '../calls/session-relay.js';
import type { Caller } from '../calls/types.js';
import { ServiceError } from '../errors.js';

type Handled = Exclude<RequestType, 'auth'>;

/** One handler per request type; the mapped type makes the compiler insist on every one. */
export type RequestHandlers = {
  [T in Handled]: (caller: Caller, payload: RequestPayload<T>) => Promise<RequestResult<T>> | RequestResult<T>;
};

export interface HandlerServices {
  calls: CallService;
  relay: SessionRelay;
  rings: RingService;
  moderation: ModerationService;
  sfu: SfuBridge;
}

export function createRequestHandlers({ calls, relay, rings, moderation, sfu }: HandlerServices): RequestHandlers {

  const done = async (work: Promise<void> | void): Promise<Record<string, never>> => {
    await work;
    return {};
  };
  return {
    ping: () => ({ now: Date.now() }),
    'call.get': async (caller, p) => ({ call: await calls.get(caller, p.type, p.id) }),
    'call.getOrCreate': async (caller, p) => {
      const { call, created } = await calls.getOrCreate(caller, p);
      if (p.ring) await rings.ring(caller, call.cid);
      return { call, created };
    },
    'call.join': async (caller, p) => {
      const result = await calls.join(caller, p);
      if (p.ring) await rings.ring(caller, result.call.cid);
      return result;
    },
    'call.resume': (caller, p) => calls.resume(caller, p),
    'call.update': async (caller, p) => ({ call: await calls.update(caller, p) }),
    'call.leave': async (caller, p) => {
      // Leaving also cancels an unanswered ring of this caller, joined or not.
      const cancelled = rings.cancelByCaller(caller, p.cid);
      const session = calls.findSession(caller, p.cid);
      if (session) await calls.removeSession(session, 'left');
      else if (!cancelled) throw new ServiceError('NOT_FOUND', `you have not joined call ${p.cid}`);
      return {};
    },
    'call.ring': async (caller, p) => ({ ringing: await rings.ring(caller, p.cid) }),
    'call.accept': async (caller, p) => {
      await rings.accept(caller, p.cid);
      return {};
    },
    'call.reject': async (caller, p) => {
      await rings.reject(caller, p.cid, p.reason ?? null);
      return {};
    },
    'call.end': async (caller, p) => {
      await calls.endCall(caller, p.cid);
      return {};
    },
    'tracks.update': (caller, p) => {
      relay.updateTracks(caller, p);
      return {};
    },
    signal: (caller, p) => {
      relay.signal(caller, p);
      return {};
    },
    'message.send': async (caller, p) => ({ message: await relay.sendMessage(caller, p) }),
    'message.ack': (caller, p) => done(relay.ack(caller, p)),
    'message.query': async (caller, p) => ({ messages: await relay.queryMessages(caller, p) }),
    'event.send': (caller, p) => done(relay.sendCustomEvent(caller, p)),
    'moderation.kick': (caller, p) => done(moderation.kick(caller, p)),
    'moderation.unblock': (caller, p) => done(moderation.unblock(caller, p)),
    'moderation.mute': (caller, p) => done(moderation.mute(caller, p)),
    'moderation.censor': (caller, p) => done(moderation.censor(caller, p)),
    'permission.request': (caller, p) => done(moderation.request(caller, p)),
    'permission.update': (caller, p) => done(moderation.update(caller, p)),
    'sfu.publish': (caller, p) => sfu.publish(caller, p),
    'sfu.unpublish': (caller, p) => done(sfu.unpublish(caller, p)),
    'sfu.restart': (caller, p) => done(sfu.restart(caller, p.cid)),
    'sfu.answer': (caller, p) => done(sfu.answer(caller, p)),
    'sfu.candidate': (caller, p) => done(sfu.candidate(caller, p)),
    'sfu.subscribe': (caller, p) => done(sfu.subscribe(caller, p)),
    'sfu.unsubscribe': (caller, p) => done(sfu.unsubscribe(caller, p)),
    'sfu.subscriptionMode': (caller, p) => done(sfu.setMode(caller, p)),
  };
}
