// `atelier batch run DIR PORT`: what a batch service's pod runs on the kubernetes executor (the command's image is
// Atelier's own). It sends the input files staged in DIR to the model server beside it on localhost:PORT and writes
// the results there; it opens no database and no connection but to that server (stage.py downloads before and uploads
// after it).
import { ConfigError } from '#src/config.ts';
import { batchUsage } from './usage.ts';

export async function batchCommand(args: string[]): Promise<{ total: number; succeeded: number; failed: number }> {
  const [verb, dir, portText, ...extra] = args;
  const port = Number(portText);
  if (verb !== 'run' || dir === undefined || !Number.isInteger(port) || port < 1 || port > 65535 || extra.length > 0)
    throw new ConfigError(`usage:\n${batchUsage}`);
  const { runStagedBatch } = await import('#src/modules/services/index.ts');
  const stop = new AbortController();
  // the pod is told to end (a stop deletes its Job): no new file is started
  const onTerm = (): void => stop.abort(new Error('terminated'));
  process.once('SIGTERM', onTerm);
  try {
    const { total, succeeded, failed } = await runStagedBatch(dir, port, stop.signal);
    return { total, succeeded, failed };
  } finally {
    process.off('SIGTERM', onTerm);
  }
}
