import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { Link, navigate } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';

type Scope = 'Train' | 'Infer' | 'Notebook';
const SCOPES: ReadonlyArray<[Scope, string]> = [
  ['Train', 'Training jobs'],
  ['Infer', 'Inference services'],
  ['Notebook', 'Notebooks'],
];

/** Creates a dedicated pool of slices of a resource flavor the API offers, on one of the project's networks. */
export default function PoolCreate({ projectId }: { projectId: string }) {
  const queries = useQueryClient();
  const path = { project_id: projectId };
  const flavors = useQuery({
    queryKey: ['resource-flavors', projectId],
    queryFn: () => unwrap(api.GET('/v1/{project_id}/resourceflavors', { params: { path, query: { limit: 500 } } })),
  });
  const networks = useQuery({
    queryKey: ['networks', projectId],
    queryFn: () => unwrap(api.GET('/v1/{project_id}/networks', { params: { path, query: { limit: 500 } } })),
  });
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [flavor, setFlavor] = useState('');
  const [count, setCount] = useState(1);
  const [network, setNetwork] = useState('');
  const [scope, setScope] = useState<Scope[]>(['Train']);
  const dedicated = (flavors.data?.items ?? []).filter((f) => f.spec.type === 'Dedicate');
  const flavorName = flavor || dedicated[0]?.metadata.name || '';
  const active = (networks.data?.items ?? []).filter((n) => n.status.phase === 'Active' && !n.metadata.deletionTimestamp);
  const networkName = network || active[0]?.metadata.name || '';
  const base = `/projects/${encodeURIComponent(projectId)}`;
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v2/{project_id}/pools', {
          params: { path },
          body: {
            apiVersion: 'v2',
            kind: 'Pool',
            metadata: {
              labels: { 'os.modelarts/name': name, 'os.modelarts/workspace.id': '0' },
              annotations: description ? { 'os.modelarts/description': description } : {},
            },
            spec: { type: 'Dedicate', scope, resources: [{ flavor: flavorName, count: String(count) }], network: { name: networkName } },
          },
        }),
      ),
    onSuccess: async (created) => {
      await queries.invalidateQueries({ queryKey: ['pools', projectId] });
      navigate(`${base}/pools/${encodeURIComponent(created.metadata.name)}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const toggle = (s: Scope, on: boolean) => setScope((now) => (on ? [...now.filter((x) => x !== s), s] : now.filter((x) => x !== s)));
  return (
    <div className="panel">
      <h1>Create a resource pool</h1>
      <ErrorNote error={flavors.error ?? networks.error} />
      {networks.data && active.length === 0 ? (
        <p className="notice">
          A pool needs a network: <Link to={`${base}/networks`}>create one</Link> first.
        </p>
      ) : null}
      <form className="stack" onSubmit={submit}>
        <label>
          Name
          <input name="pool_name" required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Description
          <input name="description" value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <div className="row">
          <label>
            Flavor
            <select name="flavor" value={flavorName} onChange={(e) => setFlavor(e.target.value)}>
              {dedicated.map((f) => (
                <option key={f.metadata.name} value={f.metadata.name}>
                  {f.metadata.name} ({f.spec.cpu} vCPU, {f.spec.memory})
                </option>
              ))}
            </select>
          </label>
          <label>
            Nodes
            <input name="count" type="number" min={1} max={999} value={count} onChange={(e) => setCount(Math.max(1, Number(e.target.value) || 1))} />
          </label>
          <label>
            Network
            <select name="network" value={networkName} onChange={(e) => setNetwork(e.target.value)}>
              {active.map((n) => (
                <option key={n.metadata.name} value={n.metadata.name}>
                  {n.metadata.labels['os.modelarts/name']} ({n.spec.cidr})
                </option>
              ))}
            </select>
          </label>
        </div>
        <fieldset className="row">
          <legend>Used for</legend>
          {SCOPES.map(([s, label]) => (
            <label key={s} className="row">
              <input type="checkbox" name="scope" value={s} checked={scope.includes(s)} onChange={(e) => toggle(s, e.target.checked)} />
              {label}
            </label>
          ))}
        </fieldset>
        <ErrorNote error={create.error} />
        <div className="row">
          <button className="primary" type="submit" disabled={create.isPending || !flavorName}>
            {create.isPending ? 'Creating…' : 'Create'}
          </button>
          <Link to={`${base}/pools`}>Cancel</Link>
        </div>
      </form>
    </div>
  );
}
