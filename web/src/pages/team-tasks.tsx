import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { operations } from '../api/schema.ts';
import { navigate, withQuery } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { taskStatusName } from '../components/worker-codes.ts';
import { TaskProgressCharts } from './team-task-progress.tsx';

type WorkforceTask = operations['DescWorkforceTask']['responses'][200]['content']['application/json'];

/** The dataset's team labeling tasks with their progress, and the acceptance of one of them. */
export default function TeamTasks(props: { projectId: string; datasetId: string; pathname: string; query: URLSearchParams }) {
  const { projectId, datasetId, pathname, query } = props;
  const tasks = useQuery({
    queryKey: ['team-tasks', projectId, datasetId],
    // The list carries no figures: each task is described with its sample statistics.
    queryFn: async () => {
      const path = { project_id: projectId, dataset_id: datasetId };
      const page = await unwrap(api.GET('/v2/{project_id}/datasets/{dataset_id}/workforce-tasks', { params: { path, query: { offset: 0, limit: 100 } } }));
      const describe = (id: string) =>
        unwrap(
          api.GET('/v2/{project_id}/datasets/{dataset_id}/workforce-tasks/{workforce_task_id}', {
            params: { path: { ...path, workforce_task_id: id }, query: { sample_stats: true, workforce_stats: true } },
          }),
        );
      return { ...page, tasks: await Promise.all(page.tasks.map((t) => describe(t.task_id))) };
    },
    refetchInterval: (q) => (q.state.data?.tasks.some((t) => t.status === 0 || t.status === 5) ? 1000 : false),
  });
  const chosen = tasks.data?.tasks.find((t) => t.task_id === query.get('task'));
  const list = tasks.data?.tasks ?? [];
  return (
    <section aria-label="Team labeling">
      <ErrorNote error={tasks.error} />
      {tasks.isPending ? <p className="muted">Loading tasks…</p> : null}
      {tasks.data && list.length === 0 ? <p className="notice">No team labeling task on this dataset.</p> : null}
      {list.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Status</th>
              <th scope="col">Samples</th>
              <th scope="col">Not labeled</th>
              <th scope="col">Awaiting review</th>
              <th scope="col">Reviewed</th>
              <th scope="col">Accepted</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((t) => (
              <tr key={t.task_id}>
                <td>{t.task_name}</td>
                <td>{taskStatusName(t.status)}</td>
                <td>{t.sample_stats?.total_sample_count ?? ''}</td>
                <td>{t.sample_stats?.unannotated_sample_count ?? ''}</td>
                <td>{t.sample_stats?.unreviewed_sample_count ?? ''}</td>
                <td>{t.sample_stats?.uncheck_sample_count ?? ''}</td>
                <td>{t.sample_stats?.accepted_sample_count ?? ''}</td>
                <td>
                  <button type="button" onClick={() => navigate(pathname + withQuery(query, { task: t.task_id, check: undefined }))}>
                    Acceptance of {t.task_name}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {chosen ? <Acceptance key={chosen.task_id} {...props} task={chosen} /> : null}
    </section>
  );
}

function Acceptance({
  projectId,
  datasetId,
  pathname,
  query,
  task,
}: {
  projectId: string;
  datasetId: string;
  pathname: string;
  query: URLSearchParams;
  task: WorkforceTask;
}) {
  const queries = useQueryClient();
  const [percent, setPercent] = useState('50');
  const check = query.get('check') ?? '';
  const path = { project_id: projectId, dataset_id: datasetId, workforce_task_id: task.task_id };
  const refresh = () => queries.invalidateQueries({ queryKey: ['team-tasks', projectId, datasetId] });
  const start = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v2/{project_id}/datasets/{dataset_id}/workforce-tasks/{workforce_task_id}/acceptance', {
          params: { path },
          body: { sampling_rate: Number(percent) / 100 },
        }),
      ),
    onSuccess: async (r) => {
      navigate(pathname + withQuery(query, { check: r.task_id }), { replace: true });
      await refresh();
    },
  });
  const report = useQuery({
    queryKey: ['acceptance-report', projectId, task.task_id, check],
    enabled: check !== '',
    queryFn: () =>
      unwrap(
        api.GET('/v2/{project_id}/datasets/{dataset_id}/workforce-tasks/{workforce_task_id}/acceptance/report', {
          params: { path, query: { checking_task_id: check } },
        }),
      ),
  });
  const finish = useMutation({
    mutationFn: (action: 0 | 2) =>
      unwrap(api.PUT('/v2/{project_id}/datasets/{dataset_id}/workforce-tasks/{workforce_task_id}/acceptance/status', { params: { path }, body: { action } })),
    onSuccess: async () => {
      await refresh();
      await queries.invalidateQueries({ queryKey: ['dataset', projectId, datasetId] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    start.mutate();
  };
  const s = report.data?.checking_stats;
  return (
    <div className="panel stack">
      <h2>Acceptance of {task.task_name}</h2>
      {task.status === 2 ? null : (
        <form className="row" onSubmit={submit}>
          <label>
            Sampling rate (%)
            <input name="sampling_rate" type="number" min={1} max={100} required value={percent} onChange={(e) => setPercent(e.target.value)} />
          </label>
          <button className="primary" type="submit" disabled={start.isPending}>
            Start acceptance
          </button>
        </form>
      )}
      <ErrorNote error={start.error ?? report.error ?? finish.error} />
      {s ? (
        <dl className="facts" data-testid="acceptance-report">
          <dt>Reviewed copies</dt>
          <dd>{s.total_sample_count}</dd>
          <dt>Drawn for checking</dt>
          <dd>{s.sampled_sample_count}</dd>
          <dt>Checked</dt>
          <dd>{s.checked_sample_count}</dd>
          <dt>Pass rate</dt>
          <dd>{Math.round(s.pass_rate * 100)}%</dd>
        </dl>
      ) : null}
      {task.status === 2 ? (
        <div className="row">
          <button className="primary" type="button" disabled={finish.isPending} onClick={() => finish.mutate(0)}>
            Pass the acceptance
          </button>
          <button type="button" disabled={finish.isPending} onClick={() => finish.mutate(2)}>
            Cancel the acceptance
          </button>
        </div>
      ) : null}
      {finish.data?.sample_count !== undefined ? <p role="status">{finish.data.sample_count} samples now carry the accepted labels.</p> : null}
      <TaskProgressCharts projectId={projectId} datasetId={datasetId} taskId={task.task_id} pathname={pathname} query={query} />
    </div>
  );
}
