// The object store side of a hyperparameter search on the kubernetes executor. Each trial's pods upload its outputs
// below its own prefix of each output folder (<output>/.trials/<trial>/); at the end Atelier copies the best trial's
// objects into the output folder itself with the store's copy, writes autosearch/trials.json there as the local
// executor does, and deletes every trial prefix (also when the search fails or is stopped).
import type { StagingPlan } from '#src/runtime/kubernetes/training-job-staging.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { joinKey, parseObsPath } from '#src/storage/obs-path.ts';
import type { SearchState, TrialResult } from './auto-search.ts';
import type { JobAlgorithmResponse } from './schemas.ts';
import type { TrainingJobRow } from './tables.ts';

const TRIALS_FOLDER = '.trials';

/** The prefix of a trial below an output folder's key ('' or ending in /). */
export const trialKey = (outputKey: string, trial: number) => `${outputKey}${TRIALS_FOLDER}/${trial}/`;

/** The staging plan of one trial: its outputs go below the trial's own prefix. */
export function trialPlan(plan: StagingPlan, trial: number): StagingPlan {
  return { ...plan, outputs: plan.outputs.map((o) => ({ ...o, key: trialKey(o.key, trial) })) };
}

/** Each output channel's folder in the store (API bucket names), as the job names them. */
function outputFolders(row: TrainingJobRow): { name: string; bucket: string; key: string }[] {
  const algorithm = JSON.parse(row.algorithm) as JobAlgorithmResponse;
  return (algorithm.outputs ?? []).map((o) => ({ name: o.name, ...parseObsPath(o.remote.obs.obs_url, `outputs.${o.name}`) }));
}

async function* keysUnder(objects: ObjectStore, bucket: string, prefix: string): AsyncGenerator<string> {
  let token: string | undefined;
  do {
    const page = await objects.list(bucket, { prefix, ...(token ? { continuationToken: token } : {}) });
    for (const o of page.objects) yield o.key;
    token = page.nextContinuationToken;
  } while (token);
}

/** Deletes every trial's prefix of every output. */
export async function dropTrials(objects: ObjectStore, row: TrainingJobRow): Promise<void> {
  for (const out of outputFolders(row)) await objects.deletePrefix(out.bucket, `${out.key}${TRIALS_FOLDER}/`);
}

/**
 * Puts the best trial's objects in each output folder and the search's report beside them, then drops the trial
 * prefixes. The account must still be allowed to write there (a grant may have been revoked meanwhile). Returns how
 * many objects each output received.
 */
export async function keepBestTrial(
  objects: ObjectStore,
  buckets: Pick<BucketAccess, 'check'>,
  row: TrainingJobRow,
  search: SearchState & { best: TrialResult },
): Promise<{ name: string; copied: number }[]> {
  const copied: { name: string; copied: number }[] = [];
  const report = { algorithm: search.plan.algorithm, reward: search.plan.reward, trials: search.results, best: search.best };
  for (const out of outputFolders(row)) {
    await buckets.check({ projectId: row.project_id }, out, `outputs.${out.name}`, 'write');
    const from = trialKey(out.key, search.best.trial);
    let n = 0;
    for await (const key of keysUnder(objects, out.bucket, from)) {
      await objects.copy({ bucket: out.bucket, key }, { bucket: out.bucket, key: `${out.key}${key.slice(from.length)}` });
      n++;
    }
    await objects.deletePrefix(out.bucket, `${out.key}${TRIALS_FOLDER}/`);
    await objects.put(out.bucket, joinKey(out.key, 'autosearch/trials.json'), JSON.stringify(report, null, 2), { contentType: 'application/json' });
    copied.push({ name: out.name, copied: n });
  }
  return copied;
}
