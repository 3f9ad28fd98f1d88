// Reads a Python environment as its own interpreter sees it: version, prefixes and installed
// packages (importlib.metadata). A registered or saved environment is the user's, so its
// interpreter runs in the workload sandbox; a built-in one is a host interpreter Atelier found.
import { execFile } from 'node:child_process';
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import type { Sandbox } from '#src/runtime/sandbox/index.ts';
import { wrapperArgv } from '#src/runtime/sandbox/index.ts';

const run = promisify(execFile);

const PROBE_SCRIPT = [
  'import sys, json, platform',
  'from importlib import metadata',
  'found = {}',
  'for d in metadata.distributions():',
  '    name = d.metadata["Name"]',
  '    if name and name not in found: found[name] = d.version',
  'print(json.dumps({"executable": sys.executable, "version": platform.python_version(), "prefix": sys.prefix,',
  '  "packages": sorted(found.items(), key=lambda p: p[0].lower())[:5000]}))',
].join('\n');

const PROBE_TIMEOUT_MS = 30_000;

export interface EnvironmentFacts {
  executable: string;
  version: string;
  prefix: string;
  /** [name, version] of every installed distribution, by name. */
  packages: [string, string][];
}

function parseProbe(out: string): EnvironmentFacts {
  const parsed = JSON.parse(out.trim().split('\n').pop() ?? '') as Partial<EnvironmentFacts>;
  if (typeof parsed.version !== 'string' || typeof parsed.executable !== 'string' || !Array.isArray(parsed.packages)) {
    throw new Error('the interpreter did not report its version and packages');
  }
  const packages = parsed.packages.filter((p): p is [string, string] => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string');
  return { executable: parsed.executable, version: parsed.version, prefix: String(parsed.prefix ?? ''), packages };
}

function failure(e: unknown): Error {
  const err = e as { stderr?: string; killed?: boolean; message?: string };
  if (err.killed) return new Error(`the interpreter did not answer within ${PROBE_TIMEOUT_MS / 1000} s`);
  const last = (err.stderr ?? '').trim().split('\n').slice(-2).join(' ').slice(0, 300);
  return new Error(`the interpreter does not start${last ? `: ${last}` : ''}`);
}

/** A host interpreter Atelier found itself (a built-in image): run as the server. */
export async function probeHostPython(python: string): Promise<EnvironmentFacts> {
  try {
    const { stdout } = await run(python, ['-I', '-c', PROBE_SCRIPT], { timeout: PROBE_TIMEOUT_MS, maxBuffer: 8 << 20, env: { PATH: process.env.PATH ?? '' } });
    return parseProbe(stdout);
  } catch (e) {
    throw e instanceof SyntaxError ? new Error('the interpreter answered something else than its package list') : failure(e);
  }
}

/** The interpreter of an environment folder (venv or conda prefix), when it has one. */
export function pythonOf(prefix: string): string | undefined {
  for (const name of ['bin/python3', 'bin/python']) {
    const p = join(prefix, name);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** The installation an environment's interpreter links to (a venv's base Python), shown read-only to the probe. */
function basePaths(python: string): string[] {
  try {
    const real = realpathSync(python);
    return [dirname(real), dirname(dirname(real))].filter((p) => p !== '/' && p !== '/usr');
  } catch {
    return [];
  }
}

/** Runs the environment's interpreter in the workload sandbox of the account, as that account's code. */
export async function probeSandboxed(sandbox: Sandbox, domainId: string, prefix: string, python: string): Promise<EnvironmentFacts> {
  const launch = sandbox.launch({
    name: `image-probe-${randomBytes(4).toString('hex')}`,
    command: [python, '-I', '-c', PROBE_SCRIPT],
    cwd: prefix,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', HOME: prefix },
    writable: [],
    readable: [...new Set([prefix, ...basePaths(python)])],
    limits: { cpu: 1, memoryMb: 512 },
    domainId,
  });
  try {
    const [cmd, ...args] = wrapperArgv(launch.command, launch.group.joinSteps);
    const { stdout } = await run(cmd!, args, { cwd: launch.cwd, env: launch.env, timeout: PROBE_TIMEOUT_MS, maxBuffer: 8 << 20 });
    return parseProbe(stdout);
  } catch (e) {
    throw e instanceof SyntaxError ? new Error('the interpreter answered something else than its package list') : failure(e);
  } finally {
    await launch.group.release();
  }
}

/** Packages users look for first, shown before the others in a summary. */
const KEY_PACKAGES = ['torch', 'tensorflow', 'jax', 'mindspore', 'scikit-learn', 'numpy', 'pandas', 'onnxruntime', 'jupyterlab', 'jupyter_server', 'ipykernel'];

/** "Python 3.11.2; 42 packages: numpy 1.26.4, pandas 2.2.0, ..." within `max` characters. */
export function summary(facts: Pick<EnvironmentFacts, 'version' | 'packages'>, max = 512): string {
  const key = (n: string) => {
    const i = KEY_PACKAGES.indexOf(n.toLowerCase().replaceAll('-', '_').replace('scikit_learn', 'scikit-learn'));
    return i < 0 ? KEY_PACKAGES.length : i;
  };
  const ordered = [...facts.packages].sort((a, b) => key(a[0]) - key(b[0]));
  let text = `Python ${facts.version}; ${facts.packages.length} packages`;
  for (const [i, [name, version]] of ordered.entries()) {
    const part = `${i === 0 ? ': ' : ', '}${name} ${version}`;
    if (text.length + part.length + 5 > max) return `${text}, ...`;
    text += part;
  }
  return text;
}

/** Size of a folder's files in KB, symbolic links not followed; stops counting after `maxEntries`. */
export function folderSizeKb(dir: string, maxEntries = 500_000): number {
  let bytes = 0;
  let seen = 0;
  const stack = [dir];
  while (stack.length > 0 && seen < maxEntries) {
    const d = stack.pop()!;
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      continue;
    }
    for (const name of names) {
      if (++seen > maxEntries) break;
      const p = join(d, name);
      try {
        const st = lstatSync(p);
        if (st.isDirectory()) stack.push(p);
        else if (st.isFile()) bytes += st.size;
      } catch {
        // gone meanwhile
      }
    }
  }
  return Math.ceil(bytes / 1024);
}
