import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { Link, navigate } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';

const LEASE_HOURS = [1, 2, 4, 8, 24];

/** Creates a notebook instance on an image and a flavor the API offers, with its disk and timed lease. */
export default function NotebookCreate({ projectId }: { projectId: string }) {
  const queries = useQueryClient();
  const path = { project_id: projectId };
  const images = useQuery({
    queryKey: ['images', projectId, 'notebook'],
    queryFn: () => unwrap(api.GET('/v1/{project_id}/images', { params: { path, query: { offset: 0, limit: 200 } } })),
  });
  const flavors = useQuery({
    queryKey: ['notebook-flavors', projectId],
    queryFn: () => unwrap(api.GET('/v1/{project_id}/notebooks/flavors', { params: { path, query: { limit: 100 } } })),
  });
  const pools = useQuery({
    queryKey: ['pools', projectId],
    queryFn: () => unwrap(api.GET('/v2/{project_id}/pools', { params: { path } })),
  });
  const notebookPools = (pools.data?.items ?? []).filter((p) => p.status.phase === 'Running' && p.spec.scope.includes('Notebook'));
  const usable = (images.data?.data ?? []).filter((i) => i.status === 'ACTIVE' && i.dev_services.includes('NOTEBOOK'));
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [image, setImage] = useState('');
  const [flavor, setFlavor] = useState('');
  const [capacity, setCapacity] = useState(5);
  const [hoursLeased, setHours] = useState(1);
  const [pool, setPool] = useState('');
  const [leaseType, setLeaseType] = useState<'TIMING' | 'IDLE'>('TIMING');
  const imageId = image || usable[0]?.id || '';
  const flavorId = flavor || flavors.data?.flavors.find((f) => !f.sold_out)?.id || '';
  const base = `/projects/${encodeURIComponent(projectId)}/notebooks`;
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v1/{project_id}/notebooks', {
          params: { path },
          body: {
            name,
            description,
            image_id: imageId,
            flavor: flavorId,
            volume: { category: 'EVS', ownership: 'MANAGED', capacity },
            lease: { type: leaseType, duration: hoursLeased * 3_600_000 },
            ...(pool ? { pool_id: pool } : {}),
          },
        }),
      ),
    onSuccess: async (created) => {
      await queries.invalidateQueries({ queryKey: ['notebooks', projectId] });
      navigate(`${base}/${encodeURIComponent(created.id)}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <div className="panel">
      <h1>Create a notebook</h1>
      <ErrorNote error={images.error ?? flavors.error ?? pools.error} />
      <form className="stack" onSubmit={submit}>
        <label>
          Name
          <input name="name" required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Description
          <input name="description" value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <label>
          Image
          <select name="image_id" value={imageId} onChange={(e) => setImage(e.target.value)}>
            {usable.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}:{i.tag} ({i.type === 'BUILD_IN' ? 'built in' : 'own'})
              </option>
            ))}
          </select>
        </label>
        <div className="row">
          <label>
            Runs in
            <select name="pool_id" value={pool} onChange={(e) => setPool(e.target.value)}>
              <option value="">The shared pool</option>
              {notebookPools.map((p) => (
                <option key={p.metadata.name} value={p.metadata.name}>
                  Dedicated pool {p.metadata.labels['os.modelarts/name']}
                </option>
              ))}
            </select>
          </label>
          <label>
            Flavor
            <select name="flavor" value={flavorId} onChange={(e) => setFlavor(e.target.value)}>
              {flavors.data?.flavors.map((f) => (
                <option key={f.id} value={f.id} disabled={f.sold_out}>
                  {f.id} ({f.vcpus} vCPU, {Math.max(1, Math.round(f.memory / 1024))} GB{f.sold_out ? ', sold out' : ''})
                </option>
              ))}
            </select>
          </label>
          <label>
            Disk (GB)
            <input name="capacity" type="number" min={1} max={4096} value={capacity} onChange={(e) => setCapacity(Math.max(1, Number(e.target.value) || 5))} />
          </label>
          <label>
            Stops
            <select name="lease_type" value={leaseType} onChange={(e) => setLeaseType(e.target.value === 'IDLE' ? 'IDLE' : 'TIMING')}>
              <option value="TIMING">after running for</option>
              <option value="IDLE">after being idle for</option>
            </select>
          </label>
          <label>
            Hours
            <select name="lease" value={hoursLeased} onChange={(e) => setHours(Number(e.target.value))}>
              {LEASE_HOURS.map((h) => (
                <option key={h} value={h}>
                  {h} h
                </option>
              ))}
            </select>
          </label>
        </div>
        <ErrorNote error={create.error} />
        <div className="row">
          <button className="primary" type="submit" disabled={create.isPending || !imageId || !flavorId}>
            {create.isPending ? 'Creating…' : 'Create'}
          </button>
          <Link to={base}>Cancel</Link>
        </div>
      </form>
    </div>
  );
}
