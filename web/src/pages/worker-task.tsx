import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { Link, useLocation } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { Pager } from '../components/pager.tsx';
import { roleName, taskStatusName } from '../components/worker-codes.ts';
import { LabelCard, ReviewCard } from '../components/worker-sample-card.tsx';

const PER_PAGE = 24;

/**
 * One task as its member sees it: a labeler gets their own copies to label (the server shows nobody
 * else's), a reviewer the queue of labeled copies waiting for a verdict.
 */
export default function WorkerTask({ projectId, datasetId, taskId }: { projectId: string; datasetId: string; taskId: string }) {
  const { pathname, query } = useLocation();
  const offset = Math.max(0, Number(query.get('offset')) || 0);
  const queries = useQueryClient();
  const path = { project_id: projectId, dataset_id: datasetId, workforce_task_id: taskId };
  const mine = useQuery({
    queryKey: ['worker-tasks', projectId, 'all'],
    queryFn: () =>
      unwrap(api.GET('/v2/{project_id}/workforces/worker-tasks', { params: { path: { project_id: projectId }, query: { offset: 0, limit: 100 } } })),
  });
  const task = mine.data?.worker_tasks.find((t) => t.task_id === taskId && t.dataset_id === datasetId);
  const reviewer = task?.role === 1;
  const samples = useQuery({
    queryKey: ['worker-samples', projectId, taskId, reviewer, offset],
    enabled: task !== undefined,
    queryFn: () =>
      unwrap(
        api.GET('/v2/{project_id}/datasets/{dataset_id}/workforce-tasks/{workforce_task_id}/data-annotations/samples', {
          params: { path, query: { offset, limit: PER_PAGE, ...(reviewer ? { sample_state: '__UNREVIEWED__' as const } : {}) } },
        }),
      ),
  });
  const labelSet = useQuery({
    queryKey: ['worker-task-labels', projectId, taskId],
    enabled: task !== undefined && !reviewer,
    // The task with the dataset's label set: open to the task's own members.
    queryFn: () =>
      unwrap(api.GET('/v2/{project_id}/datasets/{dataset_id}/workforce-tasks/{workforce_task_id}', { params: { path, query: { label_stats: true } } })),
  });
  const refresh = async () => {
    await queries.invalidateQueries({ queryKey: ['worker-samples', projectId, taskId] });
    await queries.invalidateQueries({ queryKey: ['worker-tasks', projectId] });
  };
  const list = samples.data?.samples ?? [];
  // The dataset's labels are the only names the server takes: they are the choices.
  const names = (labelSet.data?.label_stats ?? []).map((l) => l.name);
  return (
    <>
      <p>
        <Link to={`/projects/${encodeURIComponent(projectId)}/worker-tasks`}>← My labeling tasks</Link>
      </p>
      <h1>{task?.workforce_task_name ?? 'Labeling task'}</h1>
      <ErrorNote error={mine.error ?? samples.error ?? labelSet.error} />
      {mine.data && !task ? <p className="notice">This task is not assigned to you, or it has not started.</p> : null}
      {task ? (
        <p className="muted">
          {roleName(task.role)} · {taskStatusName(task.task_status)} · {task.sample_stats.total_sample_count} samples
        </p>
      ) : null}
      {task ? <h2>{reviewer ? 'Review queue' : 'My samples'}</h2> : null}
      {samples.data && list.length === 0 ? <p className="notice">{reviewer ? 'Nothing waits for review.' : 'No samples.'}</p> : null}
      {list.length > 0 ? (
        <>
          <ul className="grid" aria-label={reviewer ? 'Review queue' : 'My samples'}>
            {list.map((s) =>
              reviewer ? (
                <ReviewCard
                  key={`${s.sample_id}-${s.worker_id}`}
                  s={s}
                  review={async (accept, comment) => {
                    const comments = [{ sample_id: s.sample_id, worker_id: s.worker_id, accept, ...(comment ? { comment } : {}) }];
                    await unwrap(
                      api.POST('/v2/{project_id}/datasets/{dataset_id}/workforce-tasks/{workforce_task_id}/data-annotations/review', {
                        params: { path },
                        body: { comments },
                      }),
                    );
                    await refresh();
                  }}
                />
              ) : (
                <LabelCard
                  key={`${s.sample_id}-${s.worker_id}`}
                  s={s}
                  names={names}
                  save={async (name) => {
                    const r = await unwrap(
                      api.PUT('/v2/{project_id}/datasets/{dataset_id}/workforce-tasks/{workforce_task_id}/data-annotations/samples', {
                        params: { path },
                        body: { samples: [{ sample_id: s.sample_id, labels: [{ name }] }] },
                      }),
                    );
                    await refresh();
                    return r;
                  }}
                />
              ),
            )}
          </ul>
          <Pager path={pathname} query={query} offset={offset} limit={PER_PAGE} total={samples.data?.sample_count ?? 0} />
        </>
      ) : null}
    </>
  );
}
