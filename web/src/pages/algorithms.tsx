import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { Link, useLocation } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { Pager } from '../components/pager.tsx';
import { formatTime } from '../codes.ts';

const LIMIT = 20;

/** The project's algorithms, newest first, each with a link to train with it. */
export default function Algorithms({ projectId }: { projectId: string }) {
  const { pathname, query } = useLocation();
  const offset = Math.max(0, Number(query.get('offset')) || 0);
  const list = useQuery({
    queryKey: ['algorithms', projectId, offset],
    queryFn: () =>
      unwrap(
        api.GET('/v2/{project_id}/algorithms', {
          params: { path: { project_id: projectId }, query: { offset, limit: LIMIT, sort_by: 'create_time', order: 'desc' } },
        }),
      ),
  });
  const base = `/projects/${encodeURIComponent(projectId)}`;
  const items = list.data?.items ?? [];
  return (
    <>
      <h1>Algorithms</h1>
      <ErrorNote error={list.error} />
      {list.isPending ? <p className="muted">Loading…</p> : null}
      {list.data ? (
        items.length > 0 ? (
          <>
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Boot file</th>
                  <th scope="col">Engine</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((a) => (
                  <tr key={a.metadata.id}>
                    <td>{a.metadata.name}</td>
                    <td>
                      <code>{a.job_config?.boot_file ?? a.job_config?.code_dir ?? ''}</code>
                    </td>
                    <td>{a.job_config?.engine?.engine_name ?? a.job_config?.engine?.engine_id ?? ''}</td>
                    <td>{formatTime(a.metadata.create_time)}</td>
                    <td>
                      <Link to={`${base}/training-jobs/new?algorithm=${encodeURIComponent(a.metadata.id)}`}>Train with it</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager path={pathname} query={query} offset={offset} limit={LIMIT} total={list.data.count ?? items.length} />
          </>
        ) : (
          <p className="notice">No algorithms yet in this project: create one through the API, or train from a code folder.</p>
        )
      ) : null}
    </>
  );
}
