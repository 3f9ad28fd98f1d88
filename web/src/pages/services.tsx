import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { Link } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { ListTable } from '../components/list-table.tsx';
import { serviceBusy } from '../codes.ts';

/** The project's real-time services; polls while one is deploying or changing. */
export default function Services({ projectId }: { projectId: string }) {
  const list = useQuery({
    queryKey: ['services', projectId],
    queryFn: () => unwrap(api.GET('/v1/{project_id}/services', { params: { path: { project_id: projectId }, query: { offset: 0, limit: 100 } } })),
    refetchInterval: (q) => (q.state.data?.services.some((s) => serviceBusy(s.status)) ? 1000 : false),
  });
  const base = `/projects/${encodeURIComponent(projectId)}/services`;
  return (
    <>
      <div className="row spread">
        <h1>Services</h1>
        <Link className="button primary" to={`${base}/new`}>
          Deploy a service
        </Link>
      </div>
      <ErrorNote error={list.error} />
      <ListTable
        loading={list.isPending}
        rows={list.data?.services}
        rowKey={(s) => s.service_id}
        columns={[
          { header: 'Name', cell: (s) => <Link to={`${base}/${encodeURIComponent(s.service_id)}`}>{s.service_name}</Link> },
          { header: 'Type', cell: (s) => s.infer_type },
          { header: 'Status', cell: (s) => s.status },
          { header: 'Description', cell: (s) => s.description },
        ]}
        empty="No services yet in this project."
      />
    </>
  );
}
