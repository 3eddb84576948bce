import type { Disposable } from './disposable';

/** A minimal event source: listeners are added with `event`, all dropped by `dispose`. */
export class Emitter<T> {
  #listeners = new Set<(value: T) => void>();

  readonly event = (listener: (value: T) => void): Disposable => {
    // A wrapper, so the same function added twice is two subscriptions, as callers expect.
    const subscription = (value: T) => listener(value);
    this.#listeners.add(subscription);
    return { dispose: () => this.#listeners.delete(subscription) };
  };

  fire(value: T): void {
    for (const listener of this.#listeners) listener(value);
  }

  dispose(): void {
    this.#listeners.clear();
  }
}
