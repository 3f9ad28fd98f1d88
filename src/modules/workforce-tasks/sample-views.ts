// The copies of a task as members see them (#17, #18): each with its dataset sample, its own labels and
// review, and every labeler of the sample. A page is built from three queries, whatever its size.
import type { SampleQueries } from '#src/modules/samples/index.ts';
import type { WorkforceService } from '#src/modules/workforces/index.ts';
import type { TaskSample } from './schemas.ts';
import type { WorkforceTaskStore } from './store.ts';
import type { WorkforceTaskRow, WorkforceTaskSampleRow } from './tables.ts';

export interface SampleViewDeps {
  store: WorkforceTaskStore;
  queries: Pick<SampleQueries, 'describeMany'>;
  workforces: Pick<WorkforceService, 'workersById'>;
}

/** The views of `copies`, in their order; a copy whose sample left the dataset is left out. */
export async function taskSampleViews(
  deps: SampleViewDeps,
  task: WorkforceTaskRow,
  copies: readonly WorkforceTaskSampleRow[],
  origin: string,
): Promise<TaskSample[]> {
  if (copies.length === 0) return [];
  const sampleIds = [...new Set(copies.map((c) => c.sample_id))];
  const bases = await deps.queries.describeMany(task.project_id, task.dataset_id, sampleIds, origin);
  const all = await deps.store.copiesOfSamples(task.id, sampleIds);
  const holders = new Map<string, Set<string>>();
  for (const c of all) {
    let set = holders.get(c.sample_id);
    if (!set) holders.set(c.sample_id, (set = new Set()));
    set.add(c.worker_id);
  }
  const records = (await deps.workforces.workersById(task.project_id, [...new Set(all.map((c) => c.worker_id))], true)).map(
    ({ user_id: _u, project_id: _p, ...w }) => w,
  );
  const out: TaskSample[] = [];
  for (const copy of copies) {
    const base = bases.get(copy.sample_id);
    if (!base) continue;
    const mine = holders.get(copy.sample_id) ?? new Set<string>();
    out.push({
      ...base,
      labels: JSON.parse(copy.labels) as TaskSample['labels'],
      labelers: records.filter((w) => mine.has(w.worker_id)),
      worker_id: copy.worker_id,
      ...(copy.review_accept !== null ? { review_accept: copy.review_accept === 1 } : {}),
      ...(copy.review_comment !== null ? { review_comment: copy.review_comment } : {}),
      ...(copy.review_score !== null ? { review_score: copy.review_score } : {}),
    });
  }
  return out;
}
