import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, ApiError, unwrap } from '../api/client.ts';
import { Link, navigate, useLocation, withQuery } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { copyStateName, roleName, taskStatusName } from '../components/worker-codes.ts';
import { datasetTypeName } from '../codes.ts';
import { taskKind, type LabelInput } from '../workbench/annotation.ts';
import { colorProp, Editor, type Review, type SamplePlace, type SampleSource } from '../workbench/editor.tsx';
import type { operations } from '../api/schema.ts';
import './labeling.css';

type TaskPath = { project_id: string; dataset_id: string; workforce_task_id: string };
type CopyState = NonNullable<NonNullable<operations['ListWorkforceTaskSamples']['parameters']['query']>['sample_state']>;
type SaveBody = NonNullable<operations['UpdateWorkforceTaskSamples']['requestBody']>['content']['application/json'];
type SaveLabels = NonNullable<NonNullable<SaveBody['samples']>[number]['labels']>;

/** The copies a labeler can keep to ('' is all of theirs); a reviewer always walks the copies waiting for review. */
const LABELER_FILTERS: ReadonlyArray<[CopyState | '', string]> = [
  ['', 'All my samples'],
  ['__NONE__', 'Not labeled yet'],
  ['__REJECTED__', 'Sent back to me'],
];
const REVIEW_QUEUE: CopyState = '__UNREVIEWED__';

/** The copy at a position of the member's list (ListWorkforceTaskSamples: the server gives only their own, or the review queue). */
async function copyAt(path: TaskPath, index: number, state: CopyState | ''): Promise<SamplePlace | undefined> {
  if (index < 0) return undefined;
  const r = await unwrap(
    api.GET('/v2/{project_id}/datasets/{dataset_id}/workforce-tasks/{workforce_task_id}/data-annotations/samples', {
      params: { path, query: { offset: index, limit: 1, ...(state ? { sample_state: state } : {}) } },
    }),
  );
  const s = r.samples[0];
  return s ? { id: s.sample_id, index, worker: s.worker_id } : undefined;
}

/** A member's source: their copies (#17, #18), saved through UpdateWorkforceTaskSamples (#40). */
function taskSource(path: TaskPath, state: CopyState | ''): SampleSource {
  return {
    mode: 'member',
    key: ['worker-labeling', path.project_id, path.workforce_task_id],
    at: (index) => copyAt(path, index, state),
    async save(sampleId: string, labels: LabelInput[]) {
      const r = await unwrap(
        api.PUT('/v2/{project_id}/datasets/{dataset_id}/workforce-tasks/{workforce_task_id}/data-annotations/samples', {
          params: { path },
          body: { samples: [{ sample_id: sampleId, labels: labels as SaveLabels }] },
        }),
      );
      const bad = r.results?.find((x) => !x.success);
      if (!r.success || bad) throw new Error(bad?.error_msg ?? 'The server refused the labels.');
    },
    changed: (sampleId) => [
      ['worker-labeling', path.project_id, path.workforce_task_id],
      ['worker-sample', path.project_id, path.workforce_task_id, sampleId],
      ['worker-tasks', path.project_id],
    ],
  };
}

/**
 * One task as its member sees it, in the labeling workbench: a labeler walks and labels their own
 * copies; a reviewer walks the copies waiting for review and passes them or sends them back with a
 * comment. The server shows a member nothing else of the project.
 */
export default function WorkerTask({ projectId, datasetId, taskId }: { projectId: string; datasetId: string; taskId: string }) {
  const { pathname, query } = useLocation();
  const sampleId = query.get('sample') ?? '';
  const workerId = query.get('worker') ?? '';
  const index = Math.max(0, Number(query.get('at')) || 0);
  const path = useMemo(() => ({ project_id: projectId, dataset_id: datasetId, workforce_task_id: taskId }), [projectId, datasetId, taskId]);
  const mine = useQuery({
    queryKey: ['worker-tasks', projectId, 'all'],
    queryFn: () =>
      unwrap(api.GET('/v2/{project_id}/workforces/worker-tasks', { params: { path: { project_id: projectId }, query: { offset: 0, limit: 100 } } })),
  });
  const task = mine.data?.worker_tasks.find((t) => t.task_id === taskId && t.dataset_id === datasetId);
  const reviewer = task?.role === 1;
  const state: CopyState | '' = reviewer ? REVIEW_QUEUE : (LABELER_FILTERS.find(([k]) => k === query.get('state'))?.[0] ?? '');
  const source = useMemo(() => taskSource(path, state), [path, state]);
  const labelSet = useQuery({
    queryKey: ['worker-task-labels', projectId, taskId],
    enabled: task !== undefined,
    // The task with the dataset's label set: open to the task's own members.
    queryFn: () =>
      unwrap(api.GET('/v2/{project_id}/datasets/{dataset_id}/workforce-tasks/{workforce_task_id}', { params: { path, query: { label_stats: true } } })),
  });
  // Without a copy in the address, the list's copy at `at` is read each time (never from a cache: a
  // verdict or a save moves copies out of the list) and put in the address.
  const [first, setFirst] = useState<{ empty: boolean; error: unknown }>({ empty: false, error: null });
  const ready = task !== undefined;
  const search = query.toString();
  useEffect(() => {
    if (sampleId !== '' || !ready) return;
    let live = true;
    setFirst({ empty: false, error: null });
    copyAt(path, index, state).then(
      (to) => {
        if (!live) return;
        if (to) navigate(pathname + withQuery(new URLSearchParams(search), { sample: to.id, at: to.index, worker: to.worker }), { replace: true });
        else setFirst({ empty: true, error: null });
      },
      (error: unknown) => live && setFirst({ empty: false, error }),
    );
    return () => {
      live = false;
    };
  }, [sampleId, ready, path, index, state, pathname, search]);
  const sample = useQuery({
    queryKey: ['worker-sample', projectId, taskId, sampleId, workerId],
    enabled: task !== undefined && sampleId !== '',
    queryFn: () =>
      unwrap(
        api.GET('/v2/{project_id}/datasets/{dataset_id}/workforce-tasks/{workforce_task_id}/data-annotations/samples/{sample_id}', {
          params: { path: { ...path, sample_id: sampleId }, query: workerId ? { worker_id: workerId } : {} },
        }),
      ),
  });
  const kind = task ? taskKind(task.dataset_type) : undefined;
  const review: Review | undefined = reviewer
    ? {
        async judge(accept, comment) {
          const s = sample.data;
          if (!s) return;
          await unwrap(
            api.POST('/v2/{project_id}/datasets/{dataset_id}/workforce-tasks/{workforce_task_id}/data-annotations/review', {
              params: { path },
              body: { comments: [{ sample_id: s.sample_id, worker_id: s.worker_id, accept, ...(comment ? { comment } : {}) }] },
            }),
          );
        },
      }
    : undefined;
  const gone = sample.error instanceof ApiError && sample.error.status === 404;
  const s = sample.data;
  return (
    <>
      <p>
        <Link to={`/projects/${encodeURIComponent(projectId)}/worker-tasks`}>← My labeling tasks</Link>
      </p>
      <h1>{task?.workforce_task_name ?? 'Labeling task'}</h1>
      <ErrorNote error={mine.error ?? labelSet.error ?? first.error ?? (gone ? null : sample.error)} />
      {mine.data && !task ? <p className="notice">This task is not assigned to you, or it has not started.</p> : null}
      {task ? (
        <p className="muted">
          {roleName(task.role)} · {taskStatusName(task.task_status)} · {task.sample_stats.total_sample_count} samples
        </p>
      ) : null}
      {task ? <h2>{reviewer ? 'Review queue' : 'My samples'}</h2> : null}
      {task && !reviewer ? (
        <label className="wb-filter">
          Samples to go through
          <select value={state} onChange={(e) => navigate(pathname + withQuery(new URLSearchParams(), { state: e.target.value }))}>
            {LABELER_FILTERS.map(([v, name]) => (
              <option key={v} value={v}>
                {name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {task && !kind ? <p className="notice">The workbench does not label {datasetTypeName(task.dataset_type)} datasets.</p> : null}
      {sampleId === '' && first.empty ? <p className="notice">{reviewer ? 'Nothing waits for review.' : 'No samples here.'}</p> : null}
      {gone ? <p className="notice">This sample is not yours to see (any more).</p> : null}
      {kind && s && labelSet.data ? (
        <Editor
          key={`${s.sample_id}-${s.worker_id}`}
          kind={kind}
          source={source}
          sample={s}
          datasetLabels={(labelSet.data.label_stats ?? []).map((l) => ({ name: l.name, color: colorProp(l.property) }))}
          index={index}
          pathname={pathname}
          query={query}
          review={review}
          note={
            <p className="muted" data-testid="copy-state">
              {reviewer ? `Labeled by ${s.labelers.find((w) => w.worker_id === s.worker_id)?.email ?? 'a labeler'} · ` : ''}
              {copyStateName(s)}
              {s.review_comment ? <span className="notice"> Reviewer: {s.review_comment}</span> : null}
            </p>
          }
        />
      ) : null}
    </>
  );
}
