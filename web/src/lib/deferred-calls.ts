/**
 * Calls on something that does not exist yet (a terminal whose code is still loading): kept
 * in order and made once it is there, then made straight away. What a terminal channel can
 * queue so is bounded by flow control: the server sends no more than its window of bytes
 * that the terminal has not yet acknowledged, and only a write acknowledges.
 */
export class DeferredCalls<T> {
  #target: T | undefined;
  #pending: ((target: T) => void)[] | undefined = [];

  run(call: (target: T) => void): void {
    if (this.#target !== undefined) call(this.#target);
    else this.#pending?.push(call);
  }

  /** Makes the kept calls on `target`, in order; later ones go to it at once. */
  open(target: T): void {
    const pending = this.#pending ?? [];
    this.#pending = undefined;
    this.#target = target;
    for (const call of pending) call(target);
  }

  /** Drops the target and whatever is still kept; later calls are ignored. */
  close(): void {
    this.#target = undefined;
    this.#pending = undefined;
  }
}
