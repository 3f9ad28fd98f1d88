// The Jupyter runtime notebook instances run on: a virtualenv holding JupyterLab 4, Jupyter Server 2
// and ipykernel at the versions of requirements.txt, made once from PyPI (by the first notebook, or
// ahead of time by `atelier notebook prepare`) and stamped with what it was made from, so a second
// preparation is a no-op. Where PyPI cannot be reached, Debian's jupyter-server with
// python3-ipykernel is used instead (no JupyterLab page, the same API and kernels).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { probePython, type Interpreter } from '#src/runtime/sandbox/interpreters.ts';

const run = promisify(execFile);
export const REQUIREMENTS = fileURLToPath(new URL('./requirements.txt', import.meta.url));
const STAMP = '.atelier-stamp';
/** Where Debian's jupyter-server package puts its command: the fallback the settings name by default. */
export const DEBIAN_SERVER = '/usr/bin/jupyter-server';
const DEBIAN_PYTHON = '/usr/bin/python3';

export interface JupyterRuntime {
  /** pypi: the prepared venv (with JupyterLab); debian: the system's jupyter-server. */
  kind: 'pypi' | 'debian';
  /** The argv that starts Jupyter Server. */
  server: string[];
  python: Interpreter;
  /** Folders holding ipykernel and its dependencies, layered under each instance's environment. */
  sitePackages: string[];
  /** Host folders the server needs besides the interpreter's (the venv). */
  paths: string[];
  lab: boolean;
}

export class RuntimeMissing extends Error {}

const basePython = () => process.env.ATELIER_NOTEBOOK_PYTHON ?? 'python3';

async function stampOf(): Promise<string> {
  const { stdout } = await run(basePython(), ['-c', 'import sys; print(sys.version)'], { timeout: 20_000 });
  return createHash('sha256').update(readFileSync(REQUIREMENTS)).update(stdout.trim()).digest('hex');
}

const SITE_PROBE = 'import json, site, sys; print(json.dumps(site.getsitepackages()))';

async function sitePackagesOf(python: string): Promise<string[]> {
  const { stdout } = await run(python, ['-c', SITE_PROBE], { timeout: 20_000 });
  return (JSON.parse(stdout) as string[]).filter((p) => existsSync(p));
}

/** The JupyterLab venv prepared in `dir`, when it is whole and made from the current requirements. */
export async function preparedJupyterRuntime(dir: string): Promise<JupyterRuntime | undefined> {
  const python = join(dir, 'bin', 'python');
  const server = join(dir, 'bin', 'jupyter-server');
  let stamp: string;
  try {
    stamp = await stampOf();
  } catch {
    return undefined;
  }
  if (!existsSync(join(dir, STAMP)) || readFileSync(join(dir, STAMP), 'utf8') !== stamp || !existsSync(server)) return undefined;
  const interp = probePython(python);
  if (!interp) return undefined;
  return { kind: 'pypi', server: [python, server], python: interp, sitePackages: await sitePackagesOf(python), paths: [dir], lab: true };
}

/** The system's jupyter-server at `server` (Debian's) with ipykernel; undefined when it is absent or named ''. */
export async function systemJupyterRuntime(server: string): Promise<JupyterRuntime | undefined> {
  if (server === '' || !existsSync(server)) return undefined;
  const interp = probePython(DEBIAN_PYTHON);
  if (!interp) return undefined;
  try {
    await run(DEBIAN_PYTHON, ['-c', 'import ipykernel, jupyter_server'], { timeout: 20_000 });
  } catch {
    return undefined;
  }
  return { kind: 'debian', server: [DEBIAN_PYTHON, server], python: interp, sitePackages: await sitePackagesOf(DEBIAN_PYTHON), paths: [], lab: false };
}

/**
 * The runtime ready to use: the prepared venv in `dir`, else the system's jupyter-server at
 * `systemServer` (Debian's; '' looks for none); undefined when there is neither.
 */
export async function findJupyterRuntime(dir: string, systemServer: string): Promise<JupyterRuntime | undefined> {
  return (await preparedJupyterRuntime(dir)) ?? (await systemJupyterRuntime(systemServer));
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Runs `fn` holding <dir>.lock (a folder, made atomically); a lock whose owner died is taken over. */
async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${dir}.lock`;
  mkdirSync(dirname(dir), { recursive: true });
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // being written
      }
      if (Number.isInteger(owner) && !alive(owner)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new RuntimeMissing(`${lock} is held by process ${owner} for too long`);
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** How to get a runtime by hand, for the messages of a failure. */
export const INSTALL_HINT =
  'run `atelier notebook prepare` on a machine that reaches PyPI (it installs JupyterLab into the notebook runtime folder), ' +
  "or install Debian's jupyter-server and python3-ipykernel (`apt-get install -y --no-install-recommends jupyter-server python3-ipykernel`)";

/**
 * Makes the venv (when it is not already whole) and returns it. Throws RuntimeMissing saying what
 * failed (no python3, PyPI unreachable) when it cannot be made.
 */
export async function prepareJupyterRuntime(dir: string): Promise<JupyterRuntime> {
  const ready = await preparedJupyterRuntime(dir);
  if (ready) return ready;
  return withLock(dir, async () => {
    const again = await preparedJupyterRuntime(dir);
    if (again) return again;
    let stamp: string;
    try {
      stamp = await stampOf();
    } catch (e) {
      throw new RuntimeMissing(`${basePython()} does not run: ${(e as Error).message}`);
    }
    rmSync(dir, { recursive: true, force: true });
    const step = async (what: string, cmd: string, args: string[]) => {
      try {
        await run(cmd, args, { timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 });
      } catch (e) {
        const err = e as { stderr?: string; message: string };
        const tail = (err.stderr ?? err.message).trim().split('\n').slice(-3).join(' ');
        throw new RuntimeMissing(`${what} failed: ${tail}`);
      }
    };
    await step('python3 -m venv', basePython(), ['-m', 'venv', dir]);
    await step('pip install of JupyterLab (needs PyPI)', join(dir, 'bin', 'python'), [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--no-input',
      '-r',
      REQUIREMENTS,
    ]);
    writeFileSync(join(dir, STAMP), stamp);
    const made = await preparedJupyterRuntime(dir);
    if (!made) throw new RuntimeMissing(`the venv in ${dir} was made but does not start Jupyter Server`);
    return made;
  });
}
