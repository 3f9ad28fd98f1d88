// `atelier notebook prepare`: installs the Jupyter runtime of notebook instances (JupyterLab from
// PyPI, pinned) ahead of time, where the server will look for it (--notebook-runtime-dir).
import type { Config } from '#src/config.ts';
import { ConfigError } from '#src/config.ts';
import { INSTALL_HINT, prepareJupyterRuntime, RuntimeMissing } from '#src/runtime/notebooks/index.ts';
import { note } from './options.ts';
import { notebookUsage } from './usage.ts';

export async function notebookCommand(args: readonly string[], config: Config): Promise<unknown> {
  if (args.length !== 1 || args[0] !== 'prepare') throw new ConfigError(`usage:\n${notebookUsage}`);
  const dir = config.notebooks.runtimeDir;
  note(`preparing the Jupyter runtime in ${dir} (pip install from PyPI the first time: a minute or two)`);
  try {
    const runtime = await prepareJupyterRuntime(dir);
    return { runtime: runtime.kind, dir, python: runtime.python.version, jupyterlab: runtime.lab };
  } catch (e) {
    if (e instanceof RuntimeMissing) throw new ConfigError(`${e.message}. Alternatively, ${INSTALL_HINT.split(', or ')[1] ?? INSTALL_HINT}`);
    throw e;
  }
}
