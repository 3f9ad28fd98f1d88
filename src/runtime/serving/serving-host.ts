// The running side of real-time services on this host: each service's models with their
// instances, the weighted routing between models, rolling changes, and restarts of crashed
// instances. The services family drives it and records what it reports.
import { randomUUID } from 'node:crypto';
import type { InstanceUsage, PredictRequest, PredictResponse, ServingInstance } from './instance.ts';

export interface ModelDeployment {
  modelId: string;
  /** Percent of the traffic; the weights of a service sum to 100. */
  weight: number;
  instanceCount: number;
  /** Same key = same instances can be kept across an update. */
  key: string;
  start(instanceId: string): ServingInstance;
}

export interface HostListener {
  event(serviceId: string, type: 'normal' | 'abnormal', info: string): void;
  /** Every instance of the service answers again (true) or one is down (false). */
  health(serviceId: string, healthy: boolean): void;
}

interface Slot {
  instance: ServingInstance;
  inFlight: number;
  idle?: () => void;
}

interface LiveModel {
  spec: ModelDeployment;
  slots: Slot[];
  next: number;
}

interface Live {
  models: LiveModel[];
  /** Cumulative weights, for the pick. */
  cumulative: number[];
  down: number;
}

export interface Routed {
  modelId: string;
  predict(req: PredictRequest): Promise<PredictResponse>;
}

const DRAIN_TIMEOUT_MS = 30_000;
const RESTART_DELAY_MS = 500;
const MAX_RESTARTS = 5;

export class ServingHost {
  private readonly live = new Map<string, Live>();
  /** Instances started and ready of a service's apply in progress. */
  private readonly starting = new Map<string, { total: number; ready: number }>();
  private closed = false;

  constructor(private readonly listener: HostListener) {}

  has(serviceId: string): boolean {
    return this.live.has(serviceId);
  }

  /**
   * Brings the service to these models: instances of unchanged models stay, new ones are started
   * and must all answer before traffic moves; old ones are drained, then stopped. On a start
   * failure nothing changes and the error is thrown.
   */
  async apply(serviceId: string, models: ModelDeployment[]): Promise<void> {
    const current = this.live.get(serviceId);
    const started: Slot[] = [];
    const retired: Slot[] = [];
    const nextModels: LiveModel[] = [];
    const progress = { total: 0, ready: 0 };
    this.starting.set(serviceId, progress);
    try {
      for (const spec of models) {
        const old = current?.models.find((m) => m.spec.modelId === spec.modelId && m.spec.key === spec.key);
        const keep = old ? old.slots.slice(0, spec.instanceCount) : [];
        if (old) retired.push(...old.slots.slice(spec.instanceCount));
        const fresh: Slot[] = [];
        for (let i = keep.length; i < spec.instanceCount; i++) {
          const slot: Slot = { instance: spec.start(randomUUID()), inFlight: 0 };
          started.push(slot);
          fresh.push(slot);
          this.event(serviceId, 'normal', `[${spec.modelId}] starting instance ${slot.instance.id}`);
        }
        progress.total += fresh.length;
        await Promise.all(fresh.map((s) => s.instance.ready.then(() => progress.ready++)));
        for (const s of fresh) this.event(serviceId, 'normal', `[${spec.modelId}] instance ${s.instance.id} is running`);
        nextModels.push({ spec, slots: [...keep, ...fresh], next: 0 });
      }
    } catch (e) {
      await Promise.all(started.map((s) => s.instance.stop()));
      throw e;
    } finally {
      this.starting.delete(serviceId);
    }
    for (const m of current?.models ?? []) {
      if (!nextModels.some((n) => n.spec.modelId === m.spec.modelId && n.spec.key === m.spec.key)) retired.push(...m.slots);
    }
    const live: Live = { models: nextModels, cumulative: cumulativeOf(nextModels), down: 0 };
    this.live.set(serviceId, live);
    for (const m of nextModels) for (const s of m.slots) this.watch(serviceId, m, s);
    await Promise.all(retired.map((s) => this.drainAndStop(s)));
  }

  /** Percent of the instances being started that answer, while a deployment is in progress. */
  progress(serviceId: string): number | undefined {
    const p = this.starting.get(serviceId);
    if (!p) return undefined;
    return p.total === 0 ? 0 : Math.floor((100 * p.ready) / p.total);
  }

  /** Stops every instance of the service (after in-flight requests end). */
  async remove(serviceId: string): Promise<void> {
    const live = this.live.get(serviceId);
    this.live.delete(serviceId);
    if (!live) return;
    await Promise.all(live.models.flatMap((m) => m.slots.map((s) => this.drainAndStop(s))));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.live.keys()].map((id) => this.remove(id)));
  }

  /** Picks a model by weight and one of its instances round-robin; undefined when none is up. */
  route(serviceId: string): Routed | undefined {
    const live = this.live.get(serviceId);
    if (!live || live.models.length === 0) return undefined;
    const total = live.cumulative[live.cumulative.length - 1] ?? 0;
    const r = Math.random() * total;
    let i = live.cumulative.findIndex((c) => r < c);
    if (i < 0) i = live.models.length - 1;
    const model = live.models[i]!;
    if (model.slots.length === 0) return undefined;
    const slot = model.slots[model.next++ % model.slots.length]!;
    return {
      modelId: model.spec.modelId,
      predict: async (req) => {
        slot.inFlight++;
        try {
          return await slot.instance.predict(req);
        } finally {
          slot.inFlight--;
          if (slot.inFlight === 0) slot.idle?.();
        }
      },
    };
  }

  /** CPU and memory summed per model. */
  async usage(serviceId: string): Promise<Map<string, InstanceUsage & { instances: number }>> {
    const out = new Map<string, InstanceUsage & { instances: number }>();
    for (const m of this.live.get(serviceId)?.models ?? []) {
      const us = await Promise.all(m.slots.map((s) => s.instance.usage().catch(() => ({ cpuCores: 0, memoryMb: 0 }))));
      out.set(m.spec.modelId, {
        cpuCores: us.reduce((a, u) => a + u.cpuCores, 0),
        memoryMb: us.reduce((a, u) => a + u.memoryMb, 0),
        instances: m.slots.length,
      });
    }
    return out;
  }

  private event(serviceId: string, type: 'normal' | 'abnormal', info: string): void {
    this.listener.event(serviceId, type, info);
  }

  private watch(serviceId: string, model: LiveModel, slot: Slot, restarts = 0): void {
    slot.instance.onExit((reason) => {
      const live = this.live.get(serviceId);
      if (!live || !live.models.includes(model) || !model.slots.includes(slot)) return;
      model.slots = model.slots.filter((s) => s !== slot);
      live.down++;
      this.event(serviceId, 'abnormal', `[${model.spec.modelId}] instance ${slot.instance.id} failed: ${reason}`);
      this.listener.health(serviceId, false);
      void this.restart(serviceId, model, restarts + 1);
    });
  }

  private async restart(serviceId: string, model: LiveModel, attempt: number): Promise<void> {
    await new Promise((r) => setTimeout(r, RESTART_DELAY_MS * attempt));
    const live = this.live.get(serviceId);
    if (this.closed || !live || !live.models.includes(model)) return;
    const slot: Slot = { instance: model.spec.start(randomUUID()), inFlight: 0 };
    try {
      await slot.instance.ready;
    } catch (e) {
      await slot.instance.stop();
      this.event(serviceId, 'abnormal', `[${model.spec.modelId}] restarting an instance failed: ${e instanceof Error ? e.message : String(e)}`);
      if (attempt < MAX_RESTARTS) void this.restart(serviceId, model, attempt + 1);
      return;
    }
    if (this.live.get(serviceId) !== live || !live.models.includes(model)) {
      await slot.instance.stop();
      return;
    }
    model.slots.push(slot);
    this.watch(serviceId, model, slot, attempt);
    live.down--;
    this.event(serviceId, 'normal', `[${model.spec.modelId}] instance ${slot.instance.id} restarted and running`);
    if (live.down === 0) this.listener.health(serviceId, true);
  }

  private async drainAndStop(slot: Slot): Promise<void> {
    if (slot.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, DRAIN_TIMEOUT_MS);
        slot.idle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    await slot.instance.stop();
  }
}

function cumulativeOf(models: LiveModel[]): number[] {
  let sum = 0;
  return models.map((m) => (sum += m.spec.weight));
}
