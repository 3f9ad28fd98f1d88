import { useEffect, useRef } from 'react';
import { useQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, unwrap } from '../api/client.ts';
import { Link, navigate, useLocation, withQuery } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { LineChart } from '../components/line-chart.tsx';
import { formatDuration, formatTime, jobEnded } from '../codes.ts';
import NotFound from './not-found.tsx';

/** One training job: its facts, stop and delete, a live tail of a task's log, and its CPU and memory charts. */
export default function TrainingJobDetail({ projectId, jobId }: { projectId: string; jobId: string }) {
  const { pathname, query } = useLocation();
  const queries = useQueryClient();
  const path = { project_id: projectId, training_job_id: jobId };
  const job = useQuery({
    queryKey: ['training-job', projectId, jobId],
    queryFn: () => unwrap(api.GET('/v2/{project_id}/training-jobs/{training_job_id}', { params: { path } })),
    refetchInterval: (q) => (q.state.data && jobEnded(q.state.data.status.phase) ? false : 1000),
  });
  const j = job.data;
  const running = j !== undefined && !jobEnded(j.status.phase);
  const tasks = j?.status.tasks ?? [];
  const task = query.get('task') ?? tasks[0] ?? 'worker-0';
  const taskPath = { ...path, task_id: task };
  const log = useQuery({
    queryKey: ['training-log', projectId, jobId, task],
    queryFn: () => unwrap(api.GET('/v2/{project_id}/training-jobs/{training_job_id}/tasks/{task_id}/logs/preview', { params: { path: taskPath } })),
    enabled: j !== undefined,
    refetchInterval: running ? 1000 : false,
  });
  const metrics = useQuery({
    queryKey: ['training-metrics', projectId, jobId, task],
    queryFn: () => unwrap(api.GET('/v2/{project_id}/training-jobs/{training_job_id}/metrics/{task_id}', { params: { path: taskPath } })),
    enabled: j !== undefined,
    refetchInterval: running ? 5000 : false,
  });
  // The polls stop when the job ends, and the last one may predate its last lines: read once more then.
  const wasRunning = useRef(false);
  useEffect(() => {
    if (running) wasRunning.current = true;
    else if (wasRunning.current) {
      wasRunning.current = false;
      void queries.invalidateQueries({ queryKey: ['training-log', projectId, jobId] });
      void queries.invalidateQueries({ queryKey: ['training-metrics', projectId, jobId] });
    }
  }, [running, queries, projectId, jobId]);
  // A tail: new lines scroll into view.
  const tail = useRef<HTMLPreElement>(null);
  const content = log.data?.content;
  useEffect(() => {
    if (tail.current) tail.current.scrollTop = tail.current.scrollHeight;
  }, [content]);
  const refresh = () => queries.invalidateQueries({ queryKey: ['training-job', projectId, jobId] });
  const stop = useMutation({
    mutationFn: () => unwrap(api.POST('/v2/{project_id}/training-jobs/{training_job_id}/actions', { params: { path }, body: { action_type: 'terminate' } })),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/v2/{project_id}/training-jobs/{training_job_id}', { params: { path } })),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ['training-jobs', projectId] });
      navigate(`/projects/${encodeURIComponent(projectId)}/training-jobs`);
    },
  });
  if (job.error instanceof ApiError && job.error.status === 404) return <NotFound what="This training job" error={job.error} />;
  const series = (name: string) => metrics.data?.time_series?.items.find((s) => s.metric === name)?.value ?? [];
  return (
    <>
      <p>
        <Link to={`/projects/${encodeURIComponent(projectId)}/training-jobs`}>← Training jobs</Link>
      </p>
      <div className="row spread">
        <h1>{j?.metadata.name ?? 'Training job'}</h1>
        <div className="row">
          <button type="button" disabled={!running || stop.isPending} onClick={() => stop.mutate()}>
            Stop
          </button>
          <button
            type="button"
            className="danger"
            disabled={running || remove.isPending}
            onClick={() => {
              if (window.confirm(`Delete training job ${j?.metadata.name ?? jobId}?`)) remove.mutate();
            }}
          >
            Delete
          </button>
        </div>
      </div>
      <ErrorNote error={job.error ?? stop.error ?? remove.error} />
      {j ? (
        <div className="panel">
          <dl className="facts">
            <dt>Phase</dt>
            <dd aria-live="polite" data-testid="job-phase">
              {j.status.phase}
              {j.status.secondary_phase && j.status.secondary_phase !== j.status.phase ? ` (${j.status.secondary_phase})` : ''}
            </dd>
            <dt>Running time</dt>
            <dd>{formatDuration(j.status.duration)}</dd>
            <dt>Flavor</dt>
            <dd>
              {j.spec.resource.flavor_id} × {j.spec.resource.node_count}
            </dd>
            <dt>Boot file</dt>
            <dd>
              <code>{j.algorithm.boot_file ?? ''}</code>
            </dd>
            <dt>Created</dt>
            <dd>{formatTime(j.metadata.create_time)}</dd>
          </dl>
        </div>
      ) : null}
      {tasks.length > 1 ? (
        <nav className="tabs" aria-label="Tasks">
          {tasks.map((t) => (
            <Link key={t} to={pathname + withQuery(query, { task: t })} aria-current={t === task ? 'page' : undefined}>
              {t}
            </Link>
          ))}
        </nav>
      ) : null}
      <h2>Resource use</h2>
      <ErrorNote error={metrics.error} />
      <div className="charts">
        <LineChart title="CPU" values={series('cpuUsage')} unit="%" max={100} />
        <LineChart title="Memory" values={series('memUsage')} unit="%" max={100} />
      </div>
      <h2>Log of {task}</h2>
      <ErrorNote error={log.error} />
      <pre ref={tail} className="log" data-testid="job-log" tabIndex={0} aria-label={`Log of ${task}`}>
        {log.data?.content || (log.isPending ? 'Loading…' : 'Nothing logged yet.')}
      </pre>
    </>
  );
}
