import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { Link, useLocation } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { ListTable } from '../components/list-table.tsx';
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
      <ListTable
        loading={list.isPending}
        rows={list.data?.items}
        rowKey={(j) => j.metadata.id}
        columns={[
          { header: 'Name', cell: (j) => <Link to={`${base}/${encodeURIComponent(j.metadata.id)}`}>{j.metadata.name}</Link> },
          { header: 'Phase', cell: (j) => j.status.phase },
          { header: 'Flavor', cell: (j) => j.spec.resource.flavor_id },
          { header: 'Running time', cell: (j) => formatDuration(j.status.duration) },
          { header: 'Created', cell: (j) => formatTime(j.metadata.create_time) },
        ]}
        empty="No training jobs yet in this project."
        footer={<Pager path={pathname} query={query} offset={offset} limit={LIMIT} total={list.data?.count ?? items.length} />}
      />
    </>
  );
}
