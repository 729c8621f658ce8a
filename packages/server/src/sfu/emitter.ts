/**
 * One typed event map per emitter. Listeners are called through a safe emit: a listener that
 * throws is logged and cannot break the SFU's state or the other listeners.
 */
import type { SfuLogger } from './types.js';

export type Listener<T> = (event: T) => void;

export class TypedEmitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  constructor(
    private readonly logger: SfuLogger,
    private readonly name: string,
  ) {}

  /** Adds a listener; returns the function that removes it. */
  on<E extends keyof Events>(event: E, listener: Listener<Events[E]>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => {
      set.delete(listener as Listener<never>);
    };
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    const set = this.listeners.get(event);
    if (!set || set.size === 0) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[E]>)(payload);
      } catch (err) {
        this.logger.error({ err, emitter: this.name, event: String(event) }, 'sfu listener threw');
      }
    }
  }

  listenerCount(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  removeAll(): void {
    this.listeners.clear();
  }
}
