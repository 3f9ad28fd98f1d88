// Builds the serving instances of a model version: the native ONNX server or the Python model
// server, per the model's runtime. A Python model server is user code: it runs in the workload
// sandbox with its flavor's CPU and memory. Image models need a container runtime, which this host
// lacks: only the kubernetes executor runs them, as the Deployments of real-time services and the Jobs of batch runs.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ONNX_RUNTIME, type DeployableModel } from '#src/modules/models/index.ts';
import { InstanceStartError, type ServingInstance } from '#src/runtime/serving/instance.ts';
import { OnnxInstance } from '#src/runtime/serving/onnx-instance.ts';
import { modelServerWorkload, PythonInstance } from '#src/runtime/serving/python-instance.ts';
import { probePython } from '#src/runtime/sandbox/interpreters.ts';
import type { Sandbox } from '#src/runtime/sandbox/sandbox.ts';
import { amountOf } from './flavors.ts';
import { imageServerOf, isImageModel } from './image-models.ts';
import { instanceLogFile, writeInstanceMeta } from './instance-logs.ts';
import type { CustomSpec } from './schemas.ts';

/**
 * The interpreter for a model runtime: ATELIER_PYTHON_<RUNTIME> (runtime upper-cased, other
 * characters as "_"), else ATELIER_PYTHON, else python3 on PATH.
 */
export function pythonFor(runtime: string, env: NodeJS.ProcessEnv = process.env): string {
  const key = `ATELIER_PYTHON_${runtime.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
  return env[key] || env.ATELIER_PYTHON || 'python3';
}

function findOnnx(dir: string): string | undefined {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isFile() && e.name.toLowerCase().endsWith('.onnx')) return p;
    if (e.isDirectory()) {
      const inner = findOnnx(p);
      if (inner) return inner;
    }
  }
  return undefined;
}

/**
 * Why this model cannot be served where it would run, or undefined: on this host (local instances, batch services on
 * the local executor, pre-labeling whatever the executor), or on the cluster (a service on the kubernetes executor).
 */
export function unservable(model: DeployableModel, runsOn: 'host' | 'cluster' = 'host'): string | undefined {
  if (!isImageModel(model)) return undefined;
  if (runsOn === 'host') {
    return 'image-based models need a container runtime, and this workload runs its model on the Atelier host, which has none (the kubernetes executor runs image models, as real-time and batch services)';
  }
  const server = imageServerOf(model);
  return typeof server === 'string' ? server : undefined;
}

/** Whether the model's instances run the model's own code (then in the sandbox). */
export function runsUserCode(model: DeployableModel): boolean {
  return model.runtime !== ONNX_RUNTIME;
}

/** An instance that could not be started: it reports why through `ready`. */
class FailedInstance implements ServingInstance {
  readonly ready: Promise<void>;

  constructor(
    readonly id: string,
    reason: string,
  ) {
    this.ready = Promise.reject(new InstanceStartError(reason));
    this.ready.catch(() => undefined);
  }

  predict(): never {
    throw new InstanceStartError('the instance did not start');
  }

  async usage() {
    return { cpuCores: 0, memoryMb: 0 };
  }

  async stop(): Promise<void> {}

  onExit(): void {}
}

/** What an instance is started with: the service's config entry and where it runs. */
export interface InstanceConfig {
  envs: Record<string, string>;
  specification: string;
  custom_spec?: CustomSpec;
}

export interface InstanceHost {
  sandbox: Sandbox;
  /** The account of the service. */
  domainId: string;
}

/** `serviceDir`: the service's folder (instance logs, and each Python instance's own folder). */
export function instanceFactory(model: DeployableModel, config: InstanceConfig, serviceDir: string, host: InstanceHost): (id: string) => ServingInstance {
  const modelDir = join(model.dir, 'model');
  if (model.runtime === ONNX_RUNTIME) {
    return (id) => {
      const file = findOnnx(modelDir);
      return new OnnxInstance(id, file ?? join(modelDir, 'model.onnx'));
    };
  }
  return (id) => {
    try {
      const limits = amountOf(config.specification, config.custom_spec);
      if (typeof limits === 'string') throw new Error(limits);
      const command = pythonFor(model.runtime);
      const python = probePython(command);
      if (!python) throw new Error(`the Python interpreter ${command} does not answer`);
      const scratchDir = join(serviceDir, 'instances', id);
      mkdirSync(scratchDir, { recursive: true });
      const launch = host.sandbox.launch(
        modelServerWorkload({
          name: `svc-${id}`,
          python,
          modelDir,
          modelType: model.config.model_type,
          modelName: model.name,
          env: config.envs,
          scratchDir,
          limits,
          domainId: host.domainId,
        }),
      );
      writeInstanceMeta(serviceDir, { instance_id: id, model_id: model.id, model_name: model.name, model_version: model.version, started_at: Date.now() });
      return new PythonInstance(id, { launch, resources: host.sandbox.resources, scratchDir, logFile: instanceLogFile(serviceDir, id) });
    } catch (e) {
      return new FailedInstance(id, e instanceof Error ? e.message : String(e));
    }
  };
}
