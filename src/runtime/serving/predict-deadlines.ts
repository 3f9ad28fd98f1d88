import { PredictTimeoutError, type PredictCaller } from './instance.ts';

/** A prediction in flight: its signal (made on first use) aborts, and `dropped` rejects, when it is dropped. */
export interface PredictCall {
  readonly signal: AbortSignal;
  readonly dropped: Promise<never>;
  /** The deadline dropped it (not its caller). */
  timedOut: boolean;
}

class Entry implements PredictCall {
  timedOut = false;
  readonly dropped: Promise<never>;
  private reject!: (reason: unknown) => void;
  private controller: AbortController | undefined;
  private reason: unknown;
  private isDropped = false;

  constructor(
    readonly deadline: number,
    readonly caller: PredictCaller | undefined,
  ) {
    this.dropped = new Promise<never>((_, reject) => (this.reject = reject));
    // Rejected only while a prediction races it; never an unhandled rejection.
    this.dropped.catch(() => undefined);
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.isDropped) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  drop(reason: unknown): void {
    this.isDropped = true;
    this.reason = reason;
    this.controller?.abort(reason);
    this.reject(reason);
  }
}

/**
 * The predictions in flight and when each must be dropped: after the timeout, or soon after its
 * caller went away. One coarse timer checks them all. A timer, an error and abort listeners per
 * prediction cost about half the gateway's throughput at tens of thousands of predictions a second.
 */
export class PredictDeadlines {
  private readonly open = new Set<Entry>();
  private readonly stepMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {
    // Checks 20 times per timeout, at least every second: a caller's departure is noticed within that.
    this.stepMs = Math.min(1000, Math.max(5, Math.floor(timeoutMs / 20)));
  }

  begin(caller: PredictCaller | undefined): PredictCall {
    const entry = new Entry(performance.now() + this.timeoutMs, caller);
    if (caller?.aborted) {
      entry.drop(caller.reason);
      return entry;
    }
    this.open.add(entry);
    // Not unref'd: a prediction in flight keeps the process up, as its own timer would.
    this.timer ??= setInterval(() => this.sweep(), this.stepMs);
    return entry;
  }

  /** The prediction ended (answered or failed): it is no longer watched. */
  end(call: PredictCall): void {
    this.open.delete(call as Entry);
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private sweep(): void {
    const now = performance.now();
    for (const e of this.open) {
      if (!e.caller?.aborted && now < e.deadline) continue;
      this.open.delete(e);
      if (e.caller?.aborted) e.drop(e.caller.reason);
      else {
        e.timedOut = true;
        e.drop(new PredictTimeoutError(this.timeoutMs));
      }
    }
    if (this.open.size === 0) this.close();
  }
}
