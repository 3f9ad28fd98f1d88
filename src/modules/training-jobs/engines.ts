// The preset engines this installation can start: each maps to a runtime found on the host when the
// server starts (a Python interpreter, Node.js). An interpreter that does not answer is not listed.
import { execFileSync } from 'node:child_process';
import { executablePaths, probePython } from '#src/runtime/sandbox/interpreters.ts';
import type { EngineResponse } from './resource-schemas.ts';

export interface TrainingEngine {
  response: EngineResponse;
  /** The executable that runs a boot file. */
  runtime: string;
  /** Arguments before the boot file. */
  runtimeArgs: string[];
  /** Boot file extensions this runtime runs. */
  extensions: string[];
  /** Host folders the runtime needs (its installation), shown read-only to the sandboxed job. */
  paths: string[];
  /** An environment's bin folder, put first on the job's PATH (an image's venv or conda prefix). */
  binDir?: string;
}

function engine(
  user: string,
  id: string,
  name: string,
  version: string,
  runtime: string,
  runtimeArgs: string[],
  extensions: string[],
  paths: string[],
): TrainingEngine {
  return {
    runtime,
    runtimeArgs,
    extensions,
    paths,
    response: {
      engine_id: id,
      engine_name: name,
      engine_version: version,
      v1_compatible: false,
      run_user: user,
      image_info: { cpu_image_url: `local:${runtime}`, gpu_image_url: '', image_version: version },
    },
  };
}

/** An engine from configuration: an interpreter or a virtual environment holding a framework. */
export interface EngineSpec {
  id: string;
  /** engine_name, e.g. PyTorch. */
  name: string;
  /** The interpreter, e.g. /opt/venvs/torch/bin/python. */
  runtime: string;
}

/**
 * Parses `id=Name@/path/to/interpreter` entries separated by commas, e.g.
 * `pytorch-2.1-cpu=PyTorch@/opt/venvs/torch/bin/python`.
 */
export function parseEngineSpecs(text: string): EngineSpec[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^([A-Za-z0-9_.-]+)=([^@]+)@(\/.+)$/.exec(entry);
      if (!m) throw new Error(`engine "${entry}": want id=Name@/absolute/path/to/interpreter`);
      return { id: m[1]!, name: m[2]!.trim(), runtime: m[3]! };
    });
}

function probeVersion(command: string): string | undefined {
  try {
    const out = execFileSync(command, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
    return out.trim().split('\n')[0];
  } catch {
    return undefined;
  }
}

/**
 * Finds the runtimes: `python3` on PATH, the system /usr/bin/python3 (when another one), Node.js,
 * and the configured ones that answer (a Python interpreter runs .py boot files, others .js).
 */
export function detectEngines(configured: readonly EngineSpec[] = [], runAs?: number): TrainingEngine[] {
  // run_user: the uid jobs run as (the sandbox user when the server is root).
  const user = String(runAs ?? process.getuid?.() ?? '');
  const engines: TrainingEngine[] = [];
  const seen = new Set<string>();
  for (const [command, suffix] of [
    ['python3', ''],
    ['/usr/bin/python3', '-system'],
  ] as const) {
    const p = probePython(command);
    if (!p || seen.has(p.real)) continue;
    seen.add(p.real);
    const minor = p.version.split('.').slice(0, 2).join('.');
    // -u: unbuffered, so the log shows prints as they happen.
    engines.push(engine(user, `python${minor}${suffix}`, 'Python', `Python-${p.version}${suffix}`, p.executable, ['-u'], ['.py'], p.paths));
  }
  const node = process.versions.node;
  engines.push(
    engine(user, `nodejs${node.split('.')[0]}`, 'Node.js', `Node.js-${node}`, process.execPath, [], ['.js', '.mjs', '.cjs'], executablePaths(process.execPath)),
  );
  for (const spec of configured) {
    if (engines.some((e) => e.response.engine_id === spec.id)) throw new Error(`engine ${spec.id} is defined twice`);
    const python = probePython(spec.runtime);
    if (python) {
      // The configured path stays the runtime: a virtual environment's interpreter finds its packages from it.
      engines.push(
        engine(
          user,
          spec.id,
          spec.name,
          `${spec.name}-${spec.id}-python${python.version}`,
          spec.runtime,
          ['-u'],
          ['.py'],
          [...new Set([...executablePaths(spec.runtime), ...python.paths])],
        ),
      );
      continue;
    }
    const version = probeVersion(spec.runtime);
    // An interpreter that does not start is left out: listing it would promise jobs that cannot run.
    if (version !== undefined)
      engines.push(
        engine(user, spec.id, spec.name, `${spec.name}-${spec.id}-${version}`, spec.runtime, [], ['.js', '.mjs', '.cjs'], executablePaths(spec.runtime)),
      );
  }
  return engines;
}
