import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { Link } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { ListTable } from '../components/list-table.tsx';
import { formatTime } from '../codes.ts';

/** The project's networks (a pool is created on one): list, create from a name and a CIDR block, delete. */
export default function Networks({ projectId }: { projectId: string }) {
  const queries = useQueryClient();
  const path = { project_id: projectId };
  const list = useQuery({
    queryKey: ['networks', projectId],
    queryFn: () => unwrap(api.GET('/v1/{project_id}/networks', { params: { path, query: { limit: 500 } } })),
    refetchInterval: (q) => (q.state.data?.items.some((n) => n.status.phase === 'Creating' || n.metadata.deletionTimestamp) ? 1000 : false),
  });
  const [name, setName] = useState('');
  const [cidr, setCidr] = useState('192.168.0.0/16');
  const refresh = () => queries.invalidateQueries({ queryKey: ['networks', projectId] });
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v1/{project_id}/networks', {
          params: { path },
          body: { apiVersion: 'v1', kind: 'Network', metadata: { labels: { 'os.modelarts/name': name } }, spec: { cidr } },
        }),
      ),
    onSuccess: async () => {
      setName('');
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (networkName: string) =>
      unwrap(api.DELETE('/v1/{project_id}/networks/{network_name}', { params: { path: { ...path, network_name: networkName } } })),
    onSettled: refresh,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <>
      <div className="row spread">
        <h1>Networks</h1>
        <Link to={`/projects/${encodeURIComponent(projectId)}/pools`}>Resource pools</Link>
      </div>
      <form className="panel row" onSubmit={submit} aria-label="Create a network">
        <label>
          Name
          <input name="network_name" required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          CIDR block
          <input name="cidr" required value={cidr} onChange={(e) => setCidr(e.target.value)} />
        </label>
        <button className="primary" type="submit" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create network'}
        </button>
      </form>
      <ErrorNote error={create.error ?? remove.error ?? list.error} />
      <ListTable
        loading={list.isPending}
        rows={list.data?.items}
        rowKey={(n) => n.metadata.name}
        columns={[
          { header: 'Name', cell: (n) => n.metadata.labels['os.modelarts/name'] },
          { header: 'ID', cell: (n) => <code>{n.metadata.name}</code> },
          { header: 'CIDR block', cell: (n) => n.spec.cidr },
          { header: 'Phase', cell: (n) => (n.metadata.deletionTimestamp ? 'Deleting' : n.status.phase) },
          { header: 'Created', cell: (n) => formatTime(Date.parse(n.metadata.creationTimestamp)) },
          {
            header: 'Actions',
            hideHeader: true,
            cell: (n) => (
              <button
                type="button"
                className="danger"
                disabled={remove.isPending}
                aria-label={`Delete network ${n.metadata.labels['os.modelarts/name']}`}
                onClick={() => {
                  if (window.confirm(`Delete network ${n.metadata.labels['os.modelarts/name']}?`)) remove.mutate(n.metadata.name);
                }}
              >
                Delete
              </button>
            ),
          },
        ]}
        empty="No networks yet: a resource pool needs one."
      />
    </>
  );
}
