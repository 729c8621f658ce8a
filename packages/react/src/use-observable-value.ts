import { useMemo, useSyncExternalStore } from 'react';
import type { Observable } from 'rxjs';

/** A value read from an observable, in the shape useSyncExternalStore wants. */
interface ObservableStore<T> {
  subscribe(onChange: () => void): () => void;
  getSnapshot(): T;
}

/**
 * Two arrays with the same elements in the same order are the same value: the SDK's participant
 * objects are immutable, so a re-derived list with identical members need not re-render.
 */
function sameValue<T>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((item, i) => Object.is(item, b[i]));
}

function createObservableStore<T>(observable: Observable<T>, initial: T): ObservableStore<T> {
  let value = initial;
  // The SDK's state observables emit their current value on subscription: read it now so the
  // first render shows it. A completed observable (a left call) emits nothing and `initial` stays.
  observable.subscribe((next) => (value = next)).unsubscribe();
  return {
    subscribe(onChange) {
      const subscription = observable.subscribe((next) => {
        if (sameValue(value, next)) return;
        value = next;
        onChange();
      });
      return () => subscription.unsubscribe();
    },
    getSnapshot: () => value,
  };
}

/**
 * The latest value of an observable, re-rendering on each change. `initial` is shown until the
 * observable emits (pass the matching getter, e.g. `call.state.callingState`).
 */
export function useObservableValue<T>(observable: Observable<T>, initial: T): T {
  // A new store only when the observable itself changes; `initial` matters only at that moment.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const store = useMemo(() => createObservableStore(observable, initial), [observable]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
