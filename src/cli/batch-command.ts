// `atelier batch run DIR PORT` and `atelier prelabel run DIR PORT`: what the pod of a batch service's run or of a
// pre-labeling task runs on the kubernetes executor (the command's image is Atelier's own). It sends the input files or
// samples staged in DIR to the model server beside it on localhost:PORT and writes the results there; it opens no
// database and no connection but to that server (stage.py downloads before and uploads after it).
import { ConfigError } from '#src/config.ts';
import { batchUsage } from './usage.ts';

/** DIR and PORT of `run DIR PORT`. */
function runArgs(args: string[]): { dir: string; port: number } {
  const [verb, dir, portText, ...extra] = args;
  const port = Number(portText);
  if (verb !== 'run' || dir === undefined || !Number.isInteger(port) || port < 1 || port > 65535 || extra.length > 0)
    throw new ConfigError(`usage:\n${batchUsage}`);
  return { dir, port };
}

/** Runs `work` with a signal that a SIGTERM (the pod told to end: its Job deleted) aborts, so no new file is started. */
async function untilTerm<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const onTerm = (): void => stop.abort(new Error('terminated'));
  process.once('SIGTERM', onTerm);
  try {
    return await work(stop.signal);
  } finally {
    process.off('SIGTERM', onTerm);
  }
}

export async function prelabelCommand(args: string[]): Promise<{ samples: number; guesses: number; failed: number }> {
  const { dir, port } = runArgs(args);
  const { runStagedPrelabel } = await import('#src/modules/intelligent-tasks/index.ts');
  return untilTerm((signal) => runStagedPrelabel(dir, port, signal));
}

export async function batchCommand(args: string[]): Promise<{ total: number; succeeded: number; failed: number }> {
  const { dir, port } = runArgs(args);
  const { runStagedBatch } = await import('#src/modules/services/index.ts');
  const { total, succeeded, failed } = await untilTerm((signal) => runStagedBatch(dir, port, signal));
  return { total, succeeded, failed };
}
