// `atelier process run DIR`: what a processing task's pod runs on the kubernetes executor (the Job's image is
// Atelier's own). It runs the version's operators over the files staged in DIR and writes the results there; it opens
// no database and no connection (stage.py downloads before and uploads after it).
import { ConfigError } from '#src/config.ts';
import { processUsage } from './usage.ts';

export async function processCommand(args: string[]): Promise<{ files: number; results: number }> {
  const [verb, dir, ...extra] = args;
  if (verb !== 'run' || dir === undefined || extra.length > 0) throw new ConfigError(`usage:\n${processUsage}`);
  const { runStagedJob } = await import('#src/modules/processor-tasks/index.ts');
  const stop = new AbortController();
  // the pod is told to end (a stop deletes its Job): stop starting new files
  const onTerm = (): void => stop.abort(new Error('terminated'));
  process.once('SIGTERM', onTerm);
  try {
    return await runStagedJob(dir, stop.signal);
  } finally {
    process.off('SIGTERM', onTerm);
  }
}
