#!/usr/bin/env node
// Makes the Python tools the test harness drives, each in its own virtualenv with pinned versions,
// under a git-ignored cache folder (.cache/python-tools/<tool>/, or ATELIER_PYTHON_TOOLS_DIR).
//
//   node scripts/python-tools/setup.mjs            every tool
//   node scripts/python-tools/setup.mjs schemathesis
//
// Idempotent: a venv whose stamp matches its requirements file and interpreter is left alone, so a
// second run takes a fraction of a second. Test files call ensurePythonTool(), which does the same
// under a lock (two test files may ask at once). Needs `python3` (or ATELIER_TOOLS_PYTHON) with the
// venv module, and network to PyPI the first time.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withDirLock } from '../dir-lock.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');

/** Each tool: its pinned requirements and the packages whose presence proves the venv is whole. */
export const TOOLS = {
  schemathesis: { requirements: join(here, 'requirements', 'schemathesis.txt'), probe: ['schemathesis'] },
  'modelarts-sdk': { requirements: join(here, 'requirements', 'modelarts-sdk.txt'), probe: ['huaweicloudsdkcore', 'huaweicloudsdkmodelarts'] },
  // Not a tool but a model runtime: the interpreter test/services/guide-examples.test.ts gives the
  // model servers (ATELIER_PYTHON_<RUNTIME>) to run the guide's Scikit_Learn and XGBoost examples.
  'ml-frameworks': { requirements: join(here, 'requirements', 'ml-frameworks.txt'), probe: ['sklearn', 'xgboost', 'numpy', 'joblib'] },
  // Also a runtime: examples/image-classifier's training engine and model server, in test/loop/.
  'image-classifier': { requirements: join(here, 'requirements', 'image-classifier.txt'), probe: ['sklearn', 'PIL', 'numpy', 'joblib'] },
  // A linter shipped as a binary in a wheel (bin/hadolint): no module to probe; the stamp tells it is whole.
  hadolint: { requirements: join(here, 'requirements', 'hadolint.txt'), probe: [] },
};

export const toolsDir = () => resolve(process.env.ATELIER_PYTHON_TOOLS_DIR ?? join(root, '.cache', 'python-tools'));
const basePython = () => process.env.ATELIER_TOOLS_PYTHON ?? 'python3';

export class PythonToolError extends Error {}

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new PythonToolError(`${what}: cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    throw new PythonToolError(`${what} failed (exit ${r.status}):\n${out}`);
  }
  return r.stdout;
}

/** What the venv was made from: the requirements text and the base interpreter's version. */
function stampOf(tool) {
  const version = run(basePython(), ['-c', 'import sys; print(sys.version)'], `${basePython()} --version`).trim();
  return createHash('sha256').update(readFileSync(TOOLS[tool].requirements)).update(version).digest('hex');
}

const venvPython = (dir) => join(dir, 'bin', 'python');

function isReady(tool, dir, stamp) {
  const stampFile = join(dir, '.atelier-stamp');
  if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp) return false;
  // find_spec, not import: importing the SDK's ModelArts package takes seconds.
  const probe = `import importlib.util as u, sys; sys.exit(0 if all(u.find_spec(m) for m in ${JSON.stringify(TOOLS[tool].probe)}) else 1)`;
  const r = spawnSync(venvPython(dir), ['-c', probe], { encoding: 'utf8' });
  return r.status === 0;
}

function build(tool, dir, stamp) {
  rmSync(dir, { recursive: true, force: true });
  run(basePython(), ['-m', 'venv', dir], `python3 -m venv ${dir}`);
  run(
    venvPython(dir),
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', '-r', TOOLS[tool].requirements],
    `pip install -r ${TOOLS[tool].requirements} (needs network to PyPI)`,
  );
  writeFileSync(join(dir, '.atelier-stamp'), stamp);
}

/** The python of `tool`'s venv when it is made and whole, else undefined; never makes it. */
export function readyPythonTool(tool) {
  if (!(tool in TOOLS)) throw new PythonToolError(`unknown Python tool ${tool}; known: ${Object.keys(TOOLS).join(', ')}`);
  const dir = join(toolsDir(), tool);
  let stamp;
  try {
    stamp = stampOf(tool);
  } catch {
    return undefined; // no base python3: the venv cannot be whole either
  }
  return isReady(tool, dir, stamp) ? venvPython(dir) : undefined;
}

/**
 * The venv of `tool`, made or repaired if needed; returns its python. Throws a PythonToolError that
 * says what failed (no python3, no venv module, PyPI unreachable) when it cannot be made.
 */
export function ensurePythonTool(tool) {
  if (!(tool in TOOLS)) throw new PythonToolError(`unknown Python tool ${tool}; known: ${Object.keys(TOOLS).join(', ')}`);
  const dir = join(toolsDir(), tool);
  const stamp = stampOf(tool);
  if (isReady(tool, dir, stamp)) return venvPython(dir);
  mkdirSync(toolsDir(), { recursive: true });
  return withDirLock(
    dir,
    () => {
      if (!isReady(tool, dir, stamp)) build(tool, dir, stamp);
      return venvPython(dir);
    },
    { timeoutMs: 15 * 60_000, pollMs: 200, fail: (m) => new PythonToolError(m) },
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const wanted = process.argv.slice(2);
  for (const tool of wanted.length > 0 ? wanted : Object.keys(TOOLS)) {
    const started = Date.now();
    try {
      const python = ensurePythonTool(tool);
      console.log(`${tool}: ${python} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (e) {
      console.error(e instanceof PythonToolError ? e.message : e);
      process.exit(1);
    }
  }
}
