export type Listener<T> = (payload: T) => void;

/**
 * One typed emitter per object. Listeners run through a safe emit: a listener that throws is
 * reported and cannot stop the others or corrupt the emitter's owner.
 */
export class Emitter<M extends object> {
  private readonly listeners = new Map<keyof M, Set<Listener<never>>>();

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof M>(name: K, fn: Listener<M[K]>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(fn as Listener<never>);
    return () => this.off(name, fn);
  }

  off<K extends keyof M>(name: K, fn: Listener<M[K]>): void {
    const set = this.listeners.get(name);
    set?.delete(fn as Listener<never>);
    if (set?.size === 0) this.listeners.delete(name);
  }

  emit<K extends keyof M>(name: K, payload: M[K]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        (fn as Listener<M[K]>)(payload);
      } catch (error) {
        console.error(`[confab] a "${String(name)}" listener threw`, error);
      }
    }
  }

  listenerCount(name?: keyof M): number {
    if (name !== undefined) return this.listeners.get(name)?.size ?? 0;
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  removeAll(): void {
    this.listeners.clear();
  }
}
