import { useQuery } from '@tanstack/react-query';
import { ApiError, projectToken } from '../api/client.ts';
import { navigate, withQuery } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { LineChart } from '../components/line-chart.tsx';

type Interval = 'hour' | 'day';
/** Buckets shown: two days of hours, or a month of days. */
const SPAN: Record<Interval, number> = { hour: 48, day: 30 };

/** GetWorkforceTaskProgress's answer (an Atelier extension route). */
interface TaskProgress {
  interval: Interval;
  total_sample_count: number;
  buckets: { start_time: number; labeled_total: number; reviewed_total: number; accepted_total: number }[];
}

// spec/openapi.json does not list this extension route until it is regenerated, so the typed client
// has no path for it yet: it is read with fetch and the project's token.
async function readProgress(projectId: string, datasetId: string, taskId: string, interval: Interval): Promise<TaskProgress> {
  const e = encodeURIComponent;
  const url = `/v2/${e(projectId)}/datasets/${e(datasetId)}/workforce-tasks/${e(taskId)}/metrics/progress?interval=${interval}&limit=${SPAN[interval]}`;
  const r = await fetch(url, { headers: projectToken(projectId) });
  const body = (await r.json().catch(() => ({}))) as Partial<TaskProgress> & { error_code?: string; error_msg?: string };
  if (!r.ok) throw new ApiError(r.status, body.error_code ?? '', body.error_msg ?? `${r.status} ${r.statusText}`);
  return body as TaskProgress;
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
