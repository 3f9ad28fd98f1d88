// The running side of real-time services on this host: each service's models with their
// instances, the weighted routing between models, rolling changes, a timeout on every prediction,
// health checks of running instances, and restarts of instances that crash or stop answering.
// The services family drives it and records what it reports.
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_HEALTH,
  DEFAULT_HOST_OPTIONS,
  DeployCancelledError,
  type HostListener,
  type HostOptions,
  type ModelDeployment,
  type Routed,
} from './deployment.ts';
import { PredictDeadlines } from './predict-deadlines.ts';
import { formatSeconds, UNREACHABLE, untilAborted, type PredictCaller, type InstanceUsage, type PredictRequest, type PredictResponse } from './instance.ts';
import { cumulativeOf, drainAndStop, newSlot, type Live, type LiveModel, type Slot } from './slots.ts';

// The host's public types, so that its callers import one file.
export {
  DEFAULT_HEALTH,
  DEFAULT_HOST_OPTIONS,
  DeployCancelledError,
  type HealthCheck,
  type HostListener,
  type HostOptions,
  type ModelDeployment,
  type Routed,
} from './deployment.ts';

interface Deploy {
  total: number;
  ready: number;
  cancel: AbortController;
}

const RESTART_DELAY_MS = 500;
const MAX_RESTARTS = 5;
/** Failed health checks in a row that make an instance count as hung. */
const FAILURES_TO_RESTART = 2;
/** Wait before checking again after a failed check. */
const RECHECK_MS = 1_000;

export class ServingHost {
  private readonly live = new Map<string, Live>();
  /** Deployments in progress, with the share of their instances that answer. */
  private readonly starting = new Map<string, Deploy>();
  /** Per service: instances being drained and stopped. */
  private readonly retiring = new Map<string, Promise<void>>();
  private readonly options: HostOptions;
  private readonly deadlines: PredictDeadlines;
  private closed = false;

  constructor(
    private readonly listener: HostListener,
    options: Partial<HostOptions> = {},
  ) {
    this.options = { ...DEFAULT_HOST_OPTIONS, ...options };
    this.deadlines = new PredictDeadlines(this.options.predictTimeoutMs);
  }

  has(serviceId: string): boolean {
    return this.live.has(serviceId);
  }

  /** The services with instances serving here. */
  serviceIds(): string[] {
    return [...this.live.keys()];
  }

  /**
   * Brings the service to these models: instances of unchanged models stay, new ones are started
   * and must all answer before traffic moves; old ones are drained, then stopped, in the
   * background. On a start failure nothing changes and the error is thrown; remove() during the
   * start cancels it (DeployCancelledError).
   */
  async apply(serviceId: string, models: ModelDeployment[]): Promise<void> {
    if (this.closed) throw new DeployCancelledError();
    const deploy: Deploy = { total: 0, ready: 0, cancel: new AbortController() };
    this.starting.set(serviceId, deploy);
    const started: Slot[] = [];
    const retired: Slot[] = [];
    const nextModels: LiveModel[] = [];
    let current: Live | undefined;
    try {
      // The instances of a stopped service are gone before new ones take their place.
      if (!this.live.has(serviceId)) await untilAborted(this.retiring.get(serviceId) ?? Promise.resolve(), deploy.cancel.signal);
      current = this.live.get(serviceId);
      for (const spec of models) {
        if (deploy.cancel.signal.aborted) throw deploy.cancel.signal.reason as Error;
        const old = current?.models.find((m) => m.spec.modelId === spec.modelId && m.spec.key === spec.key);
        const keep = old ? old.slots.slice(0, spec.instanceCount) : [];
        if (old) retired.push(...old.slots.slice(spec.instanceCount));
        const fresh: Slot[] = [];
        for (let i = keep.length; i < spec.instanceCount; i++) {
          const slot = newSlot(serviceId, spec.start(randomUUID()));
          started.push(slot);
          fresh.push(slot);
          this.event(serviceId, 'normal', `[${spec.modelId}] starting instance ${slot.instance.id}`);
        }
        deploy.total += fresh.length;
        await untilAborted(Promise.all(fresh.map((s) => s.instance.ready.then(() => deploy.ready++))), deploy.cancel.signal);
        for (const s of fresh) this.event(serviceId, 'normal', `[${spec.modelId}] instance ${s.instance.id} is running`);
        nextModels.push({ spec, slots: [...keep, ...fresh], next: 0 });
      }
    } catch (e) {
      await this.retire(serviceId, started, 0);
      throw e;
    } finally {
      if (this.starting.get(serviceId) === deploy) this.starting.delete(serviceId);
    }
    for (const m of current?.models ?? []) {
      if (!nextModels.some((n) => n.spec.modelId === m.spec.modelId && n.spec.key === m.spec.key)) retired.push(...m.slots);
    }
    const live: Live = { models: nextModels, cumulative: cumulativeOf(nextModels), down: 0, restarting: new Set() };
    this.live.set(serviceId, live);
    for (const m of nextModels) for (const s of m.slots) this.watch(serviceId, m, s);
    // Requests in flight on the old instances end by their timeout at the latest.
    void this.retire(serviceId, [...retired, ...(current?.restarting ?? [])], this.options.predictTimeoutMs);
  }

  /** Percent of the instances being started that answer, while a deployment is in progress. */
  progress(serviceId: string): number | undefined {
    const p = this.starting.get(serviceId);
    if (!p) return undefined;
    return p.total === 0 ? 0 : Math.floor((100 * p.ready) / p.total);
  }

  /**
   * Takes the service out of service at once: routing ends, a deployment in progress is cancelled.
   * Its instances get a short grace for in-flight requests and are then stopped; the promise
   * resolves when they are gone (callers need not wait for it).
   */
  remove(serviceId: string): Promise<void> {
    this.starting.get(serviceId)?.cancel.abort(new DeployCancelledError());
    const live = this.live.get(serviceId);
    this.live.delete(serviceId);
    const slots = live ? [...live.models.flatMap((m) => m.slots), ...live.restarting] : [];
    if (slots.length === 0) return this.retiring.get(serviceId) ?? Promise.resolve();
    return this.retire(serviceId, slots, this.options.stopGraceMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.deadlines.close();
    const ids = new Set([...this.live.keys(), ...this.starting.keys()]);
    for (const id of ids) void this.remove(id);
    await Promise.all([...this.retiring.values()]);
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
    return { modelId: model.spec.modelId, predict: (req, signal) => this.predictOn(slot, req, signal) };
  }

  /** The ids of the service's instances that take predictions now. */
  servingIds(serviceId: string): Set<string> {
    return new Set((this.live.get(serviceId)?.models ?? []).flatMap((m) => m.slots.map((s) => s.instance.id)));
  }

  /** How long a prediction may take before it is dropped. */
  get predictTimeoutMs(): number {
    return this.options.predictTimeoutMs;
  }

  /** Per model of the service: its weight and where its serving instances that have an HTTP server answer. */
  endpoints(serviceId: string): { modelId: string; weight: number; instances: { port: number; pid: number }[] }[] {
    return (this.live.get(serviceId)?.models ?? []).map((m) => ({
      modelId: m.spec.modelId,
      weight: m.spec.weight,
      instances: m.slots.flatMap((s) =>
        s.instance.port === undefined || s.instance.pid === undefined ? [] : [{ port: s.instance.port, pid: s.instance.pid }],
      ),
    }));
  }

  /** The process groups of the service's instances that run as processes of their own (what pool metrics measure). */
  processGroups(serviceId: string): number[] {
    const live = this.live.get(serviceId);
    const slots = live ? [...live.models.flatMap((m) => m.slots), ...live.restarting] : [];
    return slots.flatMap((s) => (s.instance.pid === undefined ? [] : [s.instance.pid]));
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

  private async predictOn(slot: Slot, req: Omit<PredictRequest, 'signal'>, caller: PredictCaller | undefined): Promise<PredictResponse> {
    slot.inFlight++;
    const call = this.deadlines.begin(caller);
    try {
      // The instance's signal is made only if it asks for one (an HTTP request to a model server
      // does, an ONNX worker does not). Raced here, so an instance that ignores it cannot hold the caller.
      const request: PredictRequest = {
        ...req,
        get signal() {
          return call.signal;
        },
      };
      const res = await Promise.race([slot.instance.predict(request), call.dropped]);
      if (res.status === UNREACHABLE) this.checkSoon(slot);
      else slot.timeouts = 0;
      return res;
    } catch (e) {
      if (call.timedOut) {
        slot.timeouts++;
        this.checkSoon(slot);
      }
      throw e;
    } finally {
      this.deadlines.end(call);
      slot.inFlight--;
      if (slot.inFlight === 0) slot.idle?.();
    }
  }

  private event(serviceId: string, type: 'normal' | 'abnormal', info: string): void {
    this.listener.event(serviceId, type, info);
  }

  /** Reacts to the instance's exit and checks its health periodically (again after an update). */
  private watch(serviceId: string, model: LiveModel, slot: Slot): void {
    slot.model = model;
    slot.instance.onExit((reason) => this.lost(slot, `failed: ${reason}`));
    if (!slot.instance.probe) return;
    const delay = model.spec.health?.initialDelayMs ?? 0;
    if (slot.checkFrom === 0) slot.checkFrom = Date.now() + delay;
    if (slot.timer === undefined) this.schedule(slot, Math.max(delay, this.options.healthIntervalMs));
  }

  private schedule(slot: Slot, delayMs: number): void {
    clearTimeout(slot.timer);
    slot.timer = undefined;
    if (slot.retired || this.closed) return;
    slot.timer = setTimeout(() => void this.check(slot), delayMs);
    slot.timer.unref();
  }

  /** A prediction timed out (or found no instance): check now rather than at the next period. */
  private checkSoon(slot: Slot): void {
    if (slot.probing || slot.retired || !slot.instance.probe || Date.now() < slot.checkFrom) return;
    this.schedule(slot, 0);
  }

  private async check(slot: Slot): Promise<void> {
    const probe = slot.instance.probe?.bind(slot.instance);
    if (!probe || slot.probing || slot.retired) return;
    slot.probing = true;
    let failure: string | undefined;
    try {
      await probe(slot.model?.spec.health?.timeoutMs ?? DEFAULT_HEALTH.timeoutMs);
    } catch (e) {
      failure = e instanceof Error ? e.message : String(e);
    } finally {
      slot.probing = false;
    }
    if (slot.retired) return;
    if (failure === undefined) {
      slot.failures = 0;
      this.schedule(slot, this.options.healthIntervalMs);
      return;
    }
    // A model busy with predictions may hold its server (a session run, the GIL) past a check:
    // busy, not hung. Those predictions end by the timeout; checks count again after that.
    if (slot.inFlight > 0) {
      this.schedule(slot, RECHECK_MS);
      return;
    }
    slot.failures++;
    if (slot.failures < FAILURES_TO_RESTART) {
      this.schedule(slot, RECHECK_MS);
      return;
    }
    const timeouts = slot.timeouts > 0 ? `; ${slot.timeouts} prediction(s) in a row got no answer within ${formatSeconds(this.options.predictTimeoutMs)}` : '';
    this.lost(slot, `stopped answering (${slot.failures} health checks in a row failed: ${failure}${timeouts}); it is killed and replaced`);
  }

  /** The instance crashed or hangs: out of routing, killed, and a new one started in its place. */
  private lost(slot: Slot, reason: string): void {
    const model = slot.model;
    const live = this.live.get(slot.serviceId);
    if (slot.retired || !model || !live || !live.models.includes(model) || !model.slots.includes(slot)) return;
    model.slots = model.slots.filter((s) => s !== slot);
    live.down++;
    void this.retire(slot.serviceId, [slot], 0);
    this.event(slot.serviceId, 'abnormal', `[${model.spec.modelId}] instance ${slot.instance.id} ${reason}`);
    this.listener.health(slot.serviceId, false);
    void this.restart(slot.serviceId, model, slot.restarts + 1);
  }

  private async restart(serviceId: string, model: LiveModel, attempt: number): Promise<void> {
    await new Promise((r) => setTimeout(r, RESTART_DELAY_MS * Math.min(attempt, 10)));
    const live = this.live.get(serviceId);
    if (this.closed || !live || !live.models.includes(model)) return;
    const slot = newSlot(serviceId, model.spec.start(randomUUID()));
    slot.restarts = attempt;
    live.restarting.add(slot);
    try {
      await slot.instance.ready;
    } catch (e) {
      live.restarting.delete(slot);
      await this.retire(serviceId, [slot], 0);
      if (this.live.get(serviceId) !== live) return;
      const more = attempt < MAX_RESTARTS;
      this.event(
        serviceId,
        'abnormal',
        `[${model.spec.modelId}] restarting an instance failed: ${e instanceof Error ? e.message : String(e)}${more ? '' : `; no more attempts after ${MAX_RESTARTS}`}`,
      );
      if (more) void this.restart(serviceId, model, attempt + 1);
      return;
    }
    live.restarting.delete(slot);
    if (slot.retired) return;
    if (this.live.get(serviceId) !== live || !live.models.includes(model)) {
      void this.retire(serviceId, [slot], 0);
      return;
    }
    model.slots.push(slot);
    this.watch(serviceId, model, slot);
    live.down--;
    this.event(serviceId, 'normal', `[${model.spec.modelId}] instance ${slot.instance.id} restarted and running`);
    if (live.down === 0) this.listener.health(serviceId, true);
  }

  /**
   * Drains these instances (in-flight requests get `graceMs`), then stops them, in the background;
   * the service's next apply() waits for it.
   */
  private retire(serviceId: string, slots: Slot[], graceMs: number): Promise<void> {
    const fresh = slots.filter((s) => !s.retired);
    if (fresh.length === 0) return Promise.resolve();
    for (const s of fresh) {
      s.retired = true;
      clearTimeout(s.timer);
    }
    const done = Promise.all(fresh.map((s) => drainAndStop(s, graceMs))).then(() => undefined);
    const all = Promise.all([this.retiring.get(serviceId), done]).then(() => undefined);
    this.retiring.set(serviceId, all);
    void all.then(() => {
      if (this.retiring.get(serviceId) === all) this.retiring.delete(serviceId);
    });
    return done;
  }
}
