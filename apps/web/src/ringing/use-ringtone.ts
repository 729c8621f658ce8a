import { useEffect, useState } from 'react';
import { Ringtone, type RingtoneState } from './ringtone';

/** Rings while mounted (and `active`); stops on unmount. Returns whether it is audible. */
export function useRingtone(active: boolean): RingtoneState {
  const [state, setState] = useState<RingtoneState>('off');
  useEffect(() => {
    if (!active) return;
    const ringtone = new Ringtone(setState);
    ringtone.start();
    return () => ringtone.stop();
  }, [active]);
  return state;
}
