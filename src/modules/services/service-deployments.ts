// A running service's models as the ServingHost deploys them.
import { join } from 'node:path';
import type { DeployableModel } from '#src/modules/models/index.ts';
import type { Sandbox } from '#src/runtime/sandbox/sandbox.ts';
import { DEFAULT_HEALTH, type HealthCheck, type ModelDeployment } from '#src/runtime/serving/deployment.ts';
import { instanceFactory } from './instances.ts';
import type { DeployableModels } from './ports.ts';
import type { ServiceRow } from './tables.ts';
import type { StoredConfig } from './views.ts';

/** The models of a service's stored config; fails when one no longer exists. */
export async function modelsOf(models: DeployableModels, row: ServiceRow): Promise<Map<string, DeployableModel>> {
  const out = new Map<string, DeployableModel>();
  for (const c of JSON.parse(row.config) as StoredConfig[]) {
    const m = await models.deployable(row.project_id, c.model_id);
    if (!m) throw new Error(`model ${c.model_id} no longer exists`);
    out.set(c.model_id, m);
  }
  return out;
}

/** What the host runs for each model of the service: weight, instances, how to start and check one. */
export function deploymentsOf(row: ServiceRow, models: Map<string, DeployableModel>, host: { dataDir: string; sandbox: Sandbox }): ModelDeployment[] {
  const configs = JSON.parse(row.config) as StoredConfig[];
  return configs.map((c) => ({
    modelId: c.model_id,
    weight: c.weight ?? 100,
    instanceCount: c.instance_count,
    key: JSON.stringify([c.envs, c.specification, c.custom_spec ?? null]),
    start: instanceFactory(models.get(c.model_id)!, c, join(host.dataDir, 'services', row.id), { sandbox: host.sandbox, domainId: row.tenant }),
    health: healthCheckOf(models.get(c.model_id)!),
  }));
}

/** The package's health check settings (config.json `health`), where it declares them. */
function healthCheckOf(model: DeployableModel): HealthCheck | undefined {
  const h = model.config.health;
  if (!h) return undefined;
  const seconds = (v: string | undefined, max: number) => {
    const n = Number(v);
    return v !== undefined && v.trim() !== '' && Number.isFinite(n) && n >= 0 ? Math.min(n, max) : undefined;
  };
  const timeout = seconds(h.timeout_seconds, 300);
  return {
    timeoutMs: timeout !== undefined && timeout > 0 ? timeout * 1000 : DEFAULT_HEALTH.timeoutMs,
    initialDelayMs: (seconds(h.initial_delay_seconds, 3600) ?? 0) * 1000,
  };
}
