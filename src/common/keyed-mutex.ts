/**
 * Serializes async work per key inside this process (e.g. one signup per email at a time).
 * Keys are dropped when their queue drains, so memory is bounded by the work in flight.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with work queued or running. */
  get size(): number {
    return this.tails.size;
  }
}
