import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { Link, useLocation } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { ListTable } from '../components/list-table.tsx';
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
      <ListTable
        loading={list.isPending}
        rows={list.data?.items}
        rowKey={(a) => a.metadata.id}
        columns={[
          { header: 'Name', cell: (a) => a.metadata.name },
          { header: 'Boot file', cell: (a) => <code>{a.job_config?.boot_file ?? a.job_config?.code_dir ?? ''}</code> },
          { header: 'Engine', cell: (a) => a.job_config?.engine?.engine_name ?? a.job_config?.engine?.engine_id ?? '' },
          { header: 'Created', cell: (a) => formatTime(a.metadata.create_time) },
          {
            header: 'Actions',
            hideHeader: true,
            cell: (a) => <Link to={`${base}/training-jobs/new?algorithm=${encodeURIComponent(a.metadata.id)}`}>Train with it</Link>,
          },
        ]}
        empty="No algorithms yet in this project: create one through the API, or train from a code folder."
        footer={<Pager path={pathname} query={query} offset={offset} limit={LIMIT} total={list.data?.count ?? items.length} />}
      />
    </>
  );
}
