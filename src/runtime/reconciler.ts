import { silentLogger, type Logger } from './logger.ts';

/**
 * One resource family's control loop step: read the desired state from the database and the actual
 * state from the executor or task, and move one toward the other. Must be safe to run any time.
 */
export interface Reconciler {
  name: string;
  reconcile(): Promise<void>;
}

/** Runs every reconciler at start-up and then periodically; one reconciler never overlaps itself. */
export class ReconcilerLoop {
  private readonly reconcilers: Reconciler[] = [];
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly log: Logger = silentLogger,
  ) {}

  add(r: Reconciler): void {
    this.reconcilers.push(r);
  }

  /** One pass of every reconciler; a reconciler still busy from the last pass is skipped. */
  async runOnce(): Promise<void> {
    await Promise.all(
      this.reconcilers.map((r) => {
        const running = this.inFlight.get(r.name);
        if (running) return running;
        const run = r
          .reconcile()
          .catch((err: unknown) => this.log.error({ err, reconciler: r.name }, 'reconcile failed'))
          .finally(() => this.inFlight.delete(r.name));
        this.inFlight.set(r.name, run);
        return run;
      }),
    );
  }

  start(): void {
    if (this.timer) return;
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all(this.inFlight.values());
  }
}
