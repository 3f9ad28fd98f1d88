// Where an interpreter really lives: a name on PATH or a pyenv shim resolves to its executable,
// and a Python interpreter names its installation prefixes (a virtual environment and the Python
// it was made from). A sandboxed workload is shown these paths, read-only.
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Interpreter {
  /** The executable as the interpreter names it (a virtual environment's own, not the base it links to). */
  executable: string;
  /** The executable, symbolic links resolved. */
  real: string;
  version: string;
  /** Folders the interpreter needs to run (its prefixes), symbolic links resolved. */
  paths: string[];
}

const PYTHON_PROBE = 'import sys, platform; print(sys.executable); print(platform.python_version()); print(sys.prefix); print(sys.base_prefix)';
const cache = new Map<string, Interpreter | undefined>();

const real = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

/** Probes a Python interpreter (a path or a name on PATH); undefined when it does not answer. */
export function probePython(command: string): Interpreter | undefined {
  if (cache.has(command)) return cache.get(command);
  let found: Interpreter | undefined;
  try {
    const out = execFileSync(command, ['-c', PYTHON_PROBE], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const [executable, version, prefix, basePrefix] = out.trim().split('\n');
    if (executable && version) {
      // A virtual environment's bin/python is a link into the base: both are shown.
      const paths = [dirname(executable), prefix, basePrefix].filter((p): p is string => !!p).map(real);
      found = { executable, real: real(executable), version, paths: [...new Set([dirname(real(executable)), ...paths])] };
    }
  } catch {
    found = undefined;
  }
  cache.set(command, found);
  return found;
}

/** The folders a native executable (e.g. node) needs: its folder and the installation above it. */
export function executablePaths(executable: string): string[] {
  const exe = real(executable);
  const bin = dirname(exe);
  return [...new Set([bin, dirname(bin)])].filter((p) => p !== '/');
}
