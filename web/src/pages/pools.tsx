import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { Link } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { ListTable } from '../components/list-table.tsx';
import { formatTime } from '../codes.ts';
import { poolBusy, poolDisplayName, poolResources } from '../components/pool-codes.ts';

/** The project's dedicated resource pools, polling while one is being created or deleted. */
export default function Pools({ projectId }: { projectId: string }) {
  const list = useQuery({
    queryKey: ['pools', projectId],
    queryFn: () => unwrap(api.GET('/v2/{project_id}/pools', { params: { path: { project_id: projectId } } })),
    refetchInterval: (q) => (q.state.data?.items.some((p) => poolBusy(p.status.phase)) ? 1000 : false),
  });
  // What the workloads hold of each pool's capacity now.
  const use = useQuery({
    queryKey: ['pool-runtime-metrics', projectId],
    queryFn: () => unwrap(api.GET('/v2/{project_id}/metrics/runtime/pools', { params: { path: { project_id: projectId } } })),
    enabled: (list.data?.items.length ?? 0) > 0,
    refetchInterval: 10_000,
  });
  const held = (name: string, what: 'cpu' | 'memory') => {
    const table = use.data?.items.find((i) => i.metadata.name === name)?.table;
    return table ? `${table.allocated.value[what]} / ${table.capacity.value[what]}` : '';
  };
  const base = `/projects/${encodeURIComponent(projectId)}`;
  return (
    <>
      <div className="row spread">
        <h1>Resource pools</h1>
        <div className="row">
          <Link to={`${base}/networks`}>Networks</Link>
          <Link className="button primary" to={`${base}/pools/new`}>
            Create pool
          </Link>
        </div>
      </div>
      <ErrorNote error={list.error ?? use.error} />
      <ListTable
        loading={list.isPending}
        rows={list.data?.items}
        rowKey={(p) => p.metadata.name}
        columns={[
          { header: 'Name', cell: (p) => <Link to={`${base}/pools/${encodeURIComponent(p.metadata.name)}`}>{poolDisplayName(p)}</Link> },
          { header: 'Phase', cell: (p) => p.status.phase },
          { header: 'Resources', cell: (p) => poolResources(p) },
          { header: 'CPU held / capacity', cell: (p) => held(p.metadata.name, 'cpu') },
          { header: 'Memory held / capacity', cell: (p) => held(p.metadata.name, 'memory') },
          { header: 'Used for', cell: (p) => p.spec.scope.join(', ') },
          { header: 'Network', cell: (p) => <code>{p.spec.network.name}</code> },
          { header: 'Created', cell: (p) => formatTime(Date.parse(p.metadata.creationTimestamp)) },
        ]}
        empty="No resource pools yet in this project."
      />
    </>
  );
}
