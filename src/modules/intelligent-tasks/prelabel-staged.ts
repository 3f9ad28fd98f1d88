// A pre-labeling run in a pod (kubernetes executor), `atelier prelabel run DIR PORT`: the same prediction loop as on
// this host, against the model server beside it on localhost:PORT, over the sample files staged in DIR/files (the
// folder layout of a batch run: DIR/job/job.json, DIR/files/<bucket>/<key>, DIR/results/). It opens no database and
// no connection but to that server; its outcome (the guesses, or why the model does not fit) goes to
// DIR/results/outcome.json, which the server reads back and records as the local run would.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BATCH_FILES_DIR, BATCH_JOB_FILE, BATCH_RESULTS_DIR, LocalServerInstance, waitForServer } from '#src/modules/services/index.ts';
import { FsObjectStore } from '#src/storage/fs-store.ts';
import { ModelUnfit, predictSamples, PRELABEL_RESULT_FILE, type StagedPrelabel, type StagedPrelabelResult } from './prelabel.ts';

const SERVER_WAIT_MS = 10 * 60_000;

export async function runStagedPrelabel(dir: string, port: number, signal: AbortSignal): Promise<{ samples: number; guesses: number; failed: number }> {
  const job = JSON.parse(await readFile(join(dir, BATCH_JOB_FILE), 'utf8')) as StagedPrelabel;
  const objects = new FsObjectStore(join(dir, BATCH_FILES_DIR));
  const instance = new LocalServerInstance('prelabel', port, job.target);
  let result: StagedPrelabelResult;
  try {
    await waitForServer(port, SERVER_WAIT_MS, signal);
    const run = {
      modelId: job.modelId,
      samples: job.samples,
      labels: new Set(job.labels),
      detection: job.detection,
      signal,
      onProgress: async () => undefined,
      stillRunning: async () => !signal.aborted,
    };
    try {
      result = { outcome: await predictSamples({ objects, predictTimeoutMs: job.predictTimeoutMs }, run, job.api, instance) };
    } catch (e) {
      if (!(e instanceof ModelUnfit)) throw e;
      result = { unfit: e.message };
    }
  } finally {
    await instance.stop();
    await objects.close();
  }
  await mkdir(join(dir, BATCH_RESULTS_DIR), { recursive: true });
  await writeFile(join(dir, BATCH_RESULTS_DIR, PRELABEL_RESULT_FILE), JSON.stringify(result));
  const outcome = 'outcome' in result ? result.outcome : { guesses: [], failed: 0 };
  return { samples: job.samples.length, guesses: outcome.guesses.length, failed: outcome.failed };
}
