// Each notebook instance's own Python environment: a virtualenv on the image's interpreter,
// without packages of its own at first. A .pth file in it names, after its own site-packages, the
// image's site-packages and then the Jupyter runtime's (which hold ipykernel and pip), so the kernel
// sees the image's packages and what the user `pip install`s lands in the instance's venv, shadowing
// both. A kernelspec named python3 points Jupyter at this venv's interpreter.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { probePython, type Interpreter } from '#src/runtime/sandbox/interpreters.ts';
import type { JupyterRuntime } from './jupyter-runtime.ts';

const run = promisify(execFile);
const PROBE = 'import json, site, sys, platform; print(json.dumps({"site": site.getsitepackages(), "version": platform.python_version()}))';

export interface InstanceEnv {
  dir: string;
  python: string;
  /** Folder that holds the kernelspec (JUPYTER_PATH). */
  jupyterPath: string;
  /** Host folders the kernel reads (the image's interpreter and prefix). */
  readable: string[];
}

export class EnvError extends Error {}

const minor = (v: string) => v.split('.').slice(0, 2).join('.');

const probed = new Map<string, { interp: Interpreter; site: string[]; version: string }>();

/** The image's interpreter, probed once: its version, site-packages and the folders it needs. */
async function probeImage(python: string): Promise<{ interp: Interpreter; site: string[]; version: string }> {
  const known = probed.get(python);
  if (known) return known;
  const interp = probePython(python);
  if (!interp) throw new EnvError(`the image's interpreter ${python} does not run`);
  const { stdout } = await run(python, ['-c', PROBE], { timeout: 20_000 });
  const out = JSON.parse(stdout) as { site: string[]; version: string };
  const found = { interp, site: out.site.filter((p) => existsSync(p)), version: out.version };
  probed.set(python, found);
  return found;
}

/**
 * A virtual environment as PEP 405 defines it, written directly (python -m venv takes a few hundred
 * ms to write the same): pyvenv.cfg naming the base interpreter's folder, bin/python links to it,
 * and its own empty site-packages.
 */
function writeVenv(dir: string, interp: Interpreter, version: string): string {
  const bin = join(dir, 'bin');
  const mm = minor(version);
  const site = join(dir, 'lib', `python${mm}`, 'site-packages');
  mkdirSync(bin, { recursive: true });
  mkdirSync(site, { recursive: true });
  writeFileSync(join(dir, 'pyvenv.cfg'), `home = ${dirname(interp.real)}\ninclude-system-site-packages = false\nversion = ${version}\n`);
  for (const name of ['python', 'python3', `python${mm}`]) symlinkSync(interp.real, join(bin, name));
  return site;
}

/**
 * Makes (or keeps, when it was made from the same image and runtime) the instance's venv in `dir`.
 * The runtime's ipykernel is layered in only when both are the same Python minor version; an image
 * of another version must hold ipykernel itself.
 */
export async function prepareInstanceEnv(dir: string, image: { python: string; prefix?: string; name: string }, runtime: JupyterRuntime): Promise<InstanceEnv> {
  const { interp, site, version } = await probeImage(image.python);
  const sameVersion = minor(version) === minor(runtime.python.version);
  if (!sameVersion) {
    try {
      await run(image.python, ['-c', 'import ipykernel'], { timeout: 20_000 });
    } catch {
      throw new EnvError(`the image's Python ${version} has no ipykernel and the Jupyter runtime's is for Python ${runtime.python.version}`);
    }
  }
  const layers = [...site, ...(sameVersion ? runtime.sitePackages.filter((p) => !site.includes(p)) : [])];
  const stamp = JSON.stringify({ python: image.python, layers });
  const python = join(dir, 'bin', 'python');
  const stampFile = join(dir, '.atelier-env');
  if (!(existsSync(python) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp)) {
    // A venv of another image is remade; what the user installed there belonged to that image.
    rmSync(dir, { recursive: true, force: true });
    const own = writeVenv(dir, interp, version);
    writeFileSync(join(own, '_atelier_layers.pth'), `${layers.join('\n')}\n`);
    writeFileSync(stampFile, stamp);
  }
  const kernels = join(dir, 'share', 'jupyter', 'kernels', 'python3');
  mkdirSync(kernels, { recursive: true });
  writeFileSync(
    join(kernels, 'kernel.json'),
    JSON.stringify({
      argv: [python, '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
      display_name: `Python ${version} (${image.name})`,
      language: 'python',
    }),
  );
  return {
    dir,
    python,
    jupyterPath: join(dir, 'share', 'jupyter'),
    readable: [...new Set([...interp.paths, ...site, ...(image.prefix ? [image.prefix] : [])])],
  };
}
