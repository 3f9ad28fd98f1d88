// Where a real-time service's model servers answer, recorded in its row by the replica that runs
// them. Replicas share a host (and the local executor), so any of them can forward a prediction to a
// recorded port, and the reconciler leaves alone a service whose hosting replica or instances are
// still alive rather than starting a second copy.
import { Agent } from 'node:http';
import { isSameProcessAlive, processStartTicks } from '#src/runtime/local/proc-stats.ts';
import type { Routed } from '#src/runtime/serving/deployment.ts';
import { PredictTimeoutError } from '#src/runtime/serving/instance.ts';
import { postPrediction } from '#src/runtime/serving/python-instance.ts';
import type { ServingHost } from '#src/runtime/serving/serving-host.ts';
import type { ServiceRow } from './tables.ts';

/** A process, told apart from a later one with the same pid by its start time. */
interface StoredProcess {
  pid: number;
  start: number;
}

export interface StoredEndpoints {
  /** The Atelier process whose ServingHost runs the instances, and that host's id (unique per start). */
  host: StoredProcess & { id: string };
  models: { model_id: string; weight: number; instances: (StoredProcess & { port: number })[] }[];
}

const alive = (p: StoredProcess) => isSameProcessAlive(p.pid, p.start);

/** The record of the service's instances `host` (whose id is `hostId`) runs now, as JSON text for the row. */
export function recordOf(host: ServingHost, hostId: string, serviceId: string): string {
  const models = host.endpoints(serviceId).map((m) => ({
    model_id: m.modelId,
    weight: m.weight,
    instances: m.instances.map((i) => ({ pid: i.pid, start: processStartTicks(i.pid) ?? 0, port: i.port })),
  }));
  const record: StoredEndpoints = { host: { id: hostId, pid: process.pid, start: processStartTicks(process.pid) ?? 0 }, models };
  return JSON.stringify(record);
}

function parse(row: Pick<ServiceRow, 'endpoints'>): StoredEndpoints | undefined {
  if (!row.endpoints) return undefined;
  try {
    return JSON.parse(row.endpoints) as StoredEndpoints;
  } catch {
    return undefined;
  }
}

/**
 * Whether another replica runs the service: its replica process is alive, or (that replica gone)
 * one of its model servers still is. Then starting it here would make a second copy.
 */
export function hostedElsewhere(row: Pick<ServiceRow, 'endpoints'>, hostId: string): boolean {
  const rec = parse(row);
  if (!rec || rec.host.id === hostId) return false;
  return alive(rec.host) || rec.models.some((m) => m.instances.some(alive));
}

/** Whether the row names another ServingHost than `hostId` as the one running the service. */
export function recordedElsewhere(row: Pick<ServiceRow, 'endpoints'>, hostId: string): boolean {
  const rec = parse(row);
  return rec !== undefined && rec.host.id !== hostId;
}

/** Stops the model servers left by a replica that is gone (a live replica stops its own). */
export function stopOrphans(row: Pick<ServiceRow, 'endpoints'>): void {
  const rec = parse(row);
  if (!rec || alive(rec.host)) return;
  for (const i of rec.models.flatMap((m) => m.instances)) {
    if (!alive(i)) continue;
    try {
      process.kill(-i.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * A route to the service's recorded model servers that are alive, the model chosen by weight and an
 * instance at random; undefined when none is. The prediction is dropped after `timeoutMs`.
 */
export function storedRoute(row: Pick<ServiceRow, 'endpoints' | 'desired'>, agent: Agent, timeoutMs: number): Routed | undefined {
  const rec = row.desired === 'running' ? parse(row) : undefined;
  const models = (rec?.models ?? []).map((m) => ({ ...m, instances: m.instances.filter(alive) })).filter((m) => m.instances.length > 0);
  if (models.length === 0) return undefined;
  let r = Math.random() * models.reduce((n, m) => n + m.weight, 0);
  const model = models.find((m) => (r -= m.weight) < 0) ?? models[models.length - 1]!;
  const instance = model.instances[Math.floor(Math.random() * model.instances.length)]!;
  return {
    modelId: model.model_id,
    predict: async (req) => {
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        return await postPrediction(instance.port, agent, { ...req, signal });
      } catch (e) {
        if (signal.aborted) throw new PredictTimeoutError(timeoutMs);
        throw e;
      }
    },
  };
}

/** Keep-alive connections to the model servers of other replicas. */
export const forwardingAgent = () => new Agent({ keepAlive: true, maxSockets: 64 });
