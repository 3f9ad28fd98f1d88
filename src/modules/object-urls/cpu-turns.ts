// Turns on the CPU for the preview cache: a gate that bounds the work running at once, and a queue
// for work that can wait (the disk entries of previews a sheet took as pixels). Writing those entries
// while a view's sheets are composed, or while the browser decodes and draws them, takes a core from
// what the user waits for: they are encoded one at a time once no resize has started for a while.

/** At most `size` tasks run at once; the others wait their turn, in order. */
export class Gate {
  private readonly waiting: Array<() => void> = [];
  private running = 0;

  constructor(private readonly size: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/** Work queued in a QuietQueue: its result, and a way to start it now when someone waits for it. */
export interface Later<T> {
  result: Promise<T>;
  urge(): void;
}

/**
 * Tasks run one at a time, in order, and only once `quietMs` have passed since the last call of
 * `busy` (the start of work that comes first). An urged task starts at once, outside that order.
 */
export class QuietQueue {
  private readonly queue: Array<{ go: () => Promise<void> }> = [];
  private running = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastBusy = Number.NEGATIVE_INFINITY;

  constructor(private readonly quietMs: number) {}

  busy(): void {
    this.lastBusy = performance.now();
  }

  add<T>(fn: () => Promise<T>): Later<T> {
    let task!: { go: () => Promise<void> };
    const result = new Promise<T>((resolve, reject) => {
      task = { go: () => fn().then(resolve, reject) };
    });
    this.queue.push(task);
    this.pump();
    const urge = () => {
      const at = this.queue.indexOf(task);
      if (at < 0) return;
      this.queue.splice(at, 1);
      void task.go();
    };
    return { result, urge };
  }

  private pump(): void {
    if (this.running || this.timer || this.queue.length === 0) return;
    const wait = this.lastBusy + this.quietMs - performance.now();
    if (wait > 0) {
      // Unref'd: an entry not written when the process ends is only made again next time.
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, wait);
      this.timer.unref();
      return;
    }
    const task = this.queue.shift()!;
    this.running = true;
    void task.go().finally(() => {
      this.running = false;
      this.pump();
    });
  }
}
