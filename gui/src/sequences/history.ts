// Undo/redo over whole document states. Each edit clones the current state and changes the clone,
// so a past state is never touched again. Edits with the same merge key in a row (typing in one
// box) replace the newest state instead of stacking one undo step per keystroke.
export class History<T> {
  #past: T[] = [];
  #future: T[] = [];
  #current: T;
  #lastMerge: string | undefined;

  constructor(initial: T) {
    this.#current = structuredClone(initial);
  }

  get current(): T {
    return this.#current;
  }
  get canUndo(): boolean {
    return this.#past.length > 0;
  }
  get canRedo(): boolean {
    return this.#future.length > 0;
  }

  /** Applies `change` to a copy of the current state; returns what `change` returned. */
  edit<R>(change: (draft: T) => R, mergeKey?: string): R {
    const draft = structuredClone(this.#current);
    const out = change(draft);
    if (mergeKey === undefined || mergeKey !== this.#lastMerge || this.#past.length === 0)
      this.#past.push(this.#current);
    this.#current = draft;
    this.#future = [];
    this.#lastMerge = mergeKey;
    return out;
  }

  undo(): boolean {
    const prev = this.#past.pop();
    if (prev === undefined) return false;
    this.#future.push(this.#current);
    this.#current = prev;
    this.#lastMerge = undefined;
    return true;
  }

  redo(): boolean {
    const next = this.#future.pop();
    if (next === undefined) return false;
    this.#past.push(this.#current);
    this.#current = next;
    this.#lastMerge = undefined;
    return true;
  }

  /** Starts over from a state (a loaded or saved sequence): nothing to undo. */
  reset(state: T): void {
    this.#current = structuredClone(state);
    this.#past = [];
    this.#future = [];
    this.#lastMerge = undefined;
  }
}
