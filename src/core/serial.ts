// Two ways of running work one at a time in one process.

/** Runs work one at a time per key, in call order (e.g. the creates of one project, so a quota or name check cannot race). */
export class KeyedSerial {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(work);
    this.tails.set(key, run);
    try {
      return await run;
    } finally {
      if (this.tails.get(key) === run) this.tails.delete(key);
    }
  }
}

/**
 * Runs a pass (a scheduler's look at its queue) one at a time: a request during a pass makes one
 * more pass after it, however many came, so every request is followed by a whole pass.
 */
export class CoalescedPasses {
  private running = false;
  private again = false;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.idle = this.loop();
  }

  /** Resolves when no pass is under way. */
  settled(): Promise<void> {
    return this.idle;
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        try {
          await this.pass();
        } catch (err) {
          this.onError(err);
        }
      } while (this.again);
    } finally {
      this.running = false;
    }
  }
}
