// Builds the serving instances of a model version: the native ONNX server or the Python model
// server, per the model's runtime. Image models need a container runtime, which this host lacks.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DeployableModel } from '#src/modules/models/service.ts';
import { ONNX_RUNTIME } from '#src/modules/models/package-config.ts';
import type { ServingInstance } from '#src/runtime/serving/instance.ts';
import { OnnxInstance } from '#src/runtime/serving/onnx-instance.ts';
import { PythonInstance } from '#src/runtime/serving/python-instance.ts';

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

/** Why this model cannot be served on this host, or undefined. */
export function unservable(model: DeployableModel): string | undefined {
  if (model.runtime !== ONNX_RUNTIME && model.modelType === 'Image') {
    return 'image-based models need a container runtime, and none is configured on this host';
  }
  return undefined;
}

export function instanceFactory(model: DeployableModel, envs: Record<string, string>, logDir: string): (id: string) => ServingInstance {
  const modelDir = join(model.dir, 'model');
  if (model.runtime === ONNX_RUNTIME) {
    return (id) => {
      const file = findOnnx(modelDir);
      return new OnnxInstance(id, file ?? join(modelDir, 'model.onnx'));
    };
  }
  return (id) => {
    mkdirSync(logDir, { recursive: true });
    return new PythonInstance(id, {
      python: pythonFor(model.runtime),
      modelDir,
      modelType: model.config.model_type,
      modelName: model.name,
      env: envs,
      logFile: join(logDir, `${id}.log`),
    });
  };
}
