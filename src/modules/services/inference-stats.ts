// Request counts, failures and latencies of the inference gateway: gathered in memory by the replica that served the
// request and flushed to the database within FLUSH_MS (and by the services reconciler, and at close): a service's
// totals to the services table, each model's counts and latencies to its shared row (model-stats.ts). A read adds
// what this replica has not flushed yet to what the database holds, so a replica's own requests show at once.
import { LATENCY_WINDOW, lastWindow, type ModelDelta, type ModelStatsStore } from './model-stats.ts';

const FLUSH_MS = 1000;

/** Writes a service's request totals (ServiceStore.addCounts). */
export type SaveTotals = (serviceId: string, invocations: number, failures: number) => Promise<void>;

export class InferenceStats {
  /** Per service and model: what this replica has not flushed yet. */
  private models = new Map<string, Map<string, ModelDelta>>();
  /** Counts not yet written to the database, per service. */
  private unsaved = new Map<string, { invocations: number; failures: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly shared: ModelStatsStore,
    private readonly saveTotals: SaveTotals,
  ) {}

  record(serviceId: string, modelId: string | undefined, ok: boolean, ms: number): void {
    let u = this.unsaved.get(serviceId);
    if (!u) this.unsaved.set(serviceId, (u = { invocations: 0, failures: 0 }));
    u.invocations++;
    if (!ok) u.failures++;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch(() => undefined);
    }, FLUSH_MS).unref();
    if (modelId === undefined) return;
    let byModel = this.models.get(serviceId);
    if (!byModel) this.models.set(serviceId, (byModel = new Map()));
    let s = byModel.get(modelId);
    if (!s) byModel.set(modelId, (s = { invocations: 0, failures: 0, latencies: [] }));
    s.invocations++;
    if (!ok) s.failures++;
    s.latencies.push(Math.round(ms * 1000) / 1000);
    // Cut back to the window once twice its size, not at every request.
    if (s.latencies.length > 2 * LATENCY_WINDOW) s.latencies = lastWindow(s.latencies);
  }

  /** The service's requests not written to the services table yet. */
  pending(serviceId: string): { invocations: number; failures: number } {
    return this.unsaved.get(serviceId) ?? { invocations: 0, failures: 0 };
  }

  /** A model's requests through every replica: what the database holds and what this replica has not flushed. */
  async ofModel(serviceId: string, modelId: string): Promise<{ invocations: number; failures: number; medianMs?: number }> {
    const stored = await this.shared.read(serviceId, modelId);
    const local = this.models.get(serviceId)?.get(modelId);
    const latencies = lastWindow([...(stored?.latencies ?? []), ...(local?.latencies ?? [])]);
    const sorted = latencies.sort((a, b) => a - b);
    const mid = sorted[Math.floor(sorted.length / 2)];
    return {
      invocations: (stored?.invocations ?? 0) + (local?.invocations ?? 0),
      failures: (stored?.failures ?? 0) + (local?.failures ?? 0),
      ...(mid !== undefined ? { medianMs: mid } : {}),
    };
  }

  /** Writes what this replica gathered; what fails to be written is lost, as a request's count would be. */
  async flush(): Promise<void> {
    const totals = this.unsaved;
    const models = this.models;
    this.unsaved = new Map();
    this.models = new Map();
    for (const [id, c] of totals) await this.saveTotals(id, c.invocations, c.failures);
    for (const [id, byModel] of models) for (const [modelId, delta] of byModel) await this.shared.add(id, modelId, delta);
  }

  /** Drops a deleted service's unflushed numbers (its rows go with the service, ServiceManager.delete). */
  forget(serviceId: string): void {
    this.models.delete(serviceId);
    this.unsaved.delete(serviceId);
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
