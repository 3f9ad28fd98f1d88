// The host's bookkeeping of running instances: a slot per instance (its requests in flight, health
// and restart counters), the live models of a service, and how a slot is drained and stopped.
import type { ModelDeployment } from './deployment.ts';
import type { ServingInstance } from './instance.ts';

/** Time a stopped instance has to exit after SIGTERM, before SIGKILL. */
const EXIT_GRACE_MS = 2_000;

export interface Slot {
  instance: ServingInstance;
  inFlight: number;
  idle?: () => void;
  /** Out of service: no more checks; being (or already) stopped. */
  retired: boolean;
  serviceId: string;
  model?: LiveModel;
  timer?: NodeJS.Timeout;
  probing: boolean;
  /** When checks may start (the model's initial delay). */
  checkFrom: number;
  /** Health checks failed in a row. */
  failures: number;
  /** Predictions timed out in a row. */
  timeouts: number;
  /** Restarts of this slot's line of instances. */
  restarts: number;
}

export interface LiveModel {
  spec: ModelDeployment;
  slots: Slot[];
  next: number;
}

export interface Live {
  models: LiveModel[];
  /** Cumulative weights, for the pick. */
  cumulative: number[];
  down: number;
  /** Replacement instances still starting. */
  restarting: Set<Slot>;
}

export function newSlot(serviceId: string, instance: ServingInstance): Slot {
  return { instance, inFlight: 0, retired: false, serviceId, probing: false, checkFrom: 0, failures: 0, timeouts: 0, restarts: 0 };
}

export async function drainAndStop(slot: Slot, graceMs: number): Promise<void> {
  if (slot.inFlight > 0 && graceMs > 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, graceMs);
      slot.idle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  // A hung instance (no grace) is killed at once; others may exit on their own first.
  await slot.instance.stop(graceMs > 0 ? EXIT_GRACE_MS : 0).catch(() => undefined);
}

export function cumulativeOf(models: LiveModel[]): number[] {
  let sum = 0;
  return models.map((m) => (sum += m.spec.weight));
}
