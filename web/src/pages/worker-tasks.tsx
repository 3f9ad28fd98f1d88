import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { Link, useLocation } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { Pager } from '../components/pager.tsx';
import { roleName, taskStatusName } from '../components/worker-codes.ts';

const PER_PAGE = 20;

/** The signed-in member's started team labeling tasks (ListWorkerTasks), with their progress. */
export default function WorkerTasks({ projectId }: { projectId: string }) {
  const { pathname, query } = useLocation();
  const offset = Math.max(0, Number(query.get('offset')) || 0);
  const tasks = useQuery({
    queryKey: ['worker-tasks', projectId, offset],
    queryFn: () =>
      unwrap(api.GET('/v2/{project_id}/workforces/worker-tasks', { params: { path: { project_id: projectId }, query: { offset, limit: PER_PAGE } } })),
  });
  const list = tasks.data?.worker_tasks ?? [];
  return (
    <>
      <h1>My labeling tasks</h1>
      <ErrorNote error={tasks.error} />
      {tasks.isPending ? <p className="muted">Loading tasks…</p> : null}
      {tasks.data && list.length === 0 ? <p className="notice">No labeling task is assigned to you yet.</p> : null}
      {list.length > 0 ? (
        <>
          <table>
            <thead>
              <tr>
                <th scope="col">Task</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Samples</th>
                <th scope="col">Not labeled</th>
                <th scope="col">Awaiting review</th>
                <th scope="col">Sent back</th>
              </tr>
            </thead>
            <tbody>
              {list.map((t) => (
                <tr key={`${t.task_id}-${t.worker_id}`}>
                  <td>
                    <Link to={`/projects/${encodeURIComponent(projectId)}/worker-tasks/${encodeURIComponent(t.dataset_id)}/${encodeURIComponent(t.task_id)}`}>
                      {t.workforce_task_name}
                    </Link>
                  </td>
                  <td>{roleName(t.role)}</td>
                  <td>{taskStatusName(t.task_status)}</td>
                  <td>{t.sample_stats.total_sample_count}</td>
                  <td>{t.sample_stats.unannotated_sample_count}</td>
                  <td>{t.sample_stats.unreviewed_sample_count}</td>
                  <td>{t.sample_stats.rejected_sample_count}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager path={pathname} query={query} offset={offset} limit={PER_PAGE} total={tasks.data?.count ?? 0} />
        </>
      ) : null}
    </>
  );
}
