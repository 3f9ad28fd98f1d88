import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { Link, useLocation } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { Pager } from '../components/pager.tsx';
import { formatDuration, formatTime, jobEnded } from '../codes.ts';

const LIMIT = 20;

/** The project's training jobs, newest first; polls while one has not ended. */
export default function TrainingJobs({ projectId }: { projectId: string }) {
  const { pathname, query } = useLocation();
  const offset = Math.max(0, Number(query.get('offset')) || 0);
  const list = useQuery({
    queryKey: ['training-jobs', projectId, offset],
    queryFn: () =>
      unwrap(
        api.POST('/v2/{project_id}/training-job-searches', {
          params: { path: { project_id: projectId } },
          body: { offset, limit: LIMIT, sort_by: 'create_time', order: 'desc' },
        }),
      ),
    refetchInterval: (q) => (q.state.data?.items.some((j) => !jobEnded(j.status.phase)) ? 2000 : false),
  });
  const base = `/projects/${encodeURIComponent(projectId)}/training-jobs`;
  const items = list.data?.items ?? [];
  return (
    <>
      <div className="row spread">
        <h1>Training jobs</h1>
        <Link className="button primary" to={`${base}/new`}>
          Create training job
        </Link>
      </div>
      <ErrorNote error={list.error} />
      {list.isPending ? <p className="muted">Loading…</p> : null}
      {list.data ? (
        items.length > 0 ? (
          <>
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Phase</th>
                  <th scope="col">Flavor</th>
                  <th scope="col">Running time</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {items.map((j) => (
                  <tr key={j.metadata.id}>
                    <td>
                      <Link to={`${base}/${encodeURIComponent(j.metadata.id)}`}>{j.metadata.name}</Link>
                    </td>
                    <td>{j.status.phase}</td>
                    <td>{j.spec.resource.flavor_id}</td>
                    <td>{formatDuration(j.status.duration)}</td>
                    <td>{formatTime(j.metadata.create_time)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager path={pathname} query={query} offset={offset} limit={LIMIT} total={list.data.count ?? items.length} />
          </>
        ) : (
          <p className="notice">No training jobs yet in this project.</p>
        )
      ) : null}
    </>
  );
}
