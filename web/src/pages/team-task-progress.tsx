import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { navigate, withQuery } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { LineChart } from '../components/line-chart.tsx';

type Interval = 'hour' | 'day';
/** Buckets shown: two days of hours, or a month of days. */
const SPAN: Record<Interval, number> = { hour: 48, day: 30 };

function readProgress(projectId: string, datasetId: string, taskId: string, interval: Interval) {
  const path = { project_id: projectId, dataset_id: datasetId, workforce_task_id: taskId };
  return unwrap(
    api.GET('/v2/{project_id}/datasets/{dataset_id}/workforce-tasks/{workforce_task_id}/metrics/progress', {
      params: { path, query: { interval, limit: SPAN[interval] } },
    }),
  );
}

/** A task's copies labeled, reviewed and accepted over time, read once per visit (no polling). */
export function TaskProgressCharts(props: { projectId: string; datasetId: string; taskId: string; pathname: string; query: URLSearchParams }) {
  const { projectId, datasetId, taskId, pathname, query } = props;
  const interval: Interval = query.get('interval') === 'hour' ? 'hour' : 'day';
  const progress = useQuery({
    // Under the task list's key: what refreshes the list (an acceptance ending) refreshes this too.
    queryKey: ['team-tasks', projectId, datasetId, 'progress', taskId, interval],
    queryFn: () => readProgress(projectId, datasetId, taskId, interval),
  });
  const b = progress.data?.buckets ?? [];
  const total = progress.data?.total_sample_count ?? 0;
  return (
    <section className="stack" aria-label="Progress over time">
      <h3>Progress over time</h3>
      <label>
        Per
        <select value={interval} onChange={(e) => navigate(pathname + withQuery(query, { interval: e.target.value === 'hour' ? 'hour' : undefined }))}>
          <option value="day">day (last 30 days)</option>
          <option value="hour">hour (last 48 hours)</option>
        </select>
      </label>
      <ErrorNote error={progress.error} />
      {progress.data ? (
        <div className="charts" data-testid="task-progress">
          <LineChart title="Labeled copies" values={b.map((x) => x.labeled_total)} unit={`of ${total}`} max={Math.max(1, total)} />
          <LineChart title="Reviewed copies" values={b.map((x) => x.reviewed_total)} unit={`of ${total}`} max={Math.max(1, total)} />
          <LineChart title="Accepted copies" values={b.map((x) => x.accepted_total)} unit={`of ${total}`} max={Math.max(1, total)} />
        </div>
      ) : null}
    </section>
  );
}
