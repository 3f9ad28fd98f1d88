// The steps on one instance's mounts run in turn: each starts once the one before has ended, failed or not.

export class SerialSteps {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly onError: (err: unknown, key: string) => void) {}

  /** Runs `step` after the steps of `key` already queued; the promise of this one (it never rejects). */
  run(key: string, step: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(key) ?? Promise.resolve()).then(step).catch((err: unknown) => this.onError(err, key));
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
    return next;
  }

  /** Whether a step of `key` is queued or running. */
  has(key: string): boolean {
    return this.chains.has(key);
  }

  /** Resolves once every step queued now has ended. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.chains.values()]);
  }
}
