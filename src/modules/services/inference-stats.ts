// Request counts, failures and latencies of the inference gateway, kept in memory per model and
// added to the services table by the reconciler.

const WINDOW = 512;

interface ModelStats {
  invocations: number;
  failures: number;
  latencies: number[];
  at: number;
}

export class InferenceStats {
  private readonly models = new Map<string, Map<string, ModelStats>>();
  /** Counts not yet written to the database, per service. */
  private readonly unsaved = new Map<string, { invocations: number; failures: number }>();

  record(serviceId: string, modelId: string | undefined, ok: boolean, ms: number): void {
    let u = this.unsaved.get(serviceId);
    if (!u) this.unsaved.set(serviceId, (u = { invocations: 0, failures: 0 }));
    u.invocations++;
    if (!ok) u.failures++;
    if (modelId === undefined) return;
    let byModel = this.models.get(serviceId);
    if (!byModel) this.models.set(serviceId, (byModel = new Map()));
    let s = byModel.get(modelId);
    if (!s) byModel.set(modelId, (s = { invocations: 0, failures: 0, latencies: [], at: 0 }));
    s.invocations++;
    if (!ok) s.failures++;
    if (s.latencies.length < WINDOW) s.latencies.push(ms);
    else s.latencies[s.at] = ms;
    s.at = (s.at + 1) % WINDOW;
  }

  pending(serviceId: string): { invocations: number; failures: number } {
    return this.unsaved.get(serviceId) ?? { invocations: 0, failures: 0 };
  }

  ofModel(serviceId: string, modelId: string): { invocations: number; failures: number; medianMs?: number } {
    const s = this.models.get(serviceId)?.get(modelId);
    if (!s) return { invocations: 0, failures: 0 };
    const sorted = [...s.latencies].sort((a, b) => a - b);
    const mid = sorted[Math.floor(sorted.length / 2)];
    return { invocations: s.invocations, failures: s.failures, ...(mid !== undefined ? { medianMs: Math.round(mid * 1000) / 1000 } : {}) };
  }

  /** Takes the unsaved counts. */
  drain(): Map<string, { invocations: number; failures: number }> {
    const out = new Map(this.unsaved);
    this.unsaved.clear();
    return out;
  }

  forget(serviceId: string): void {
    this.models.delete(serviceId);
    this.unsaved.delete(serviceId);
  }
}
