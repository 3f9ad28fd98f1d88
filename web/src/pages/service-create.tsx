import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { Link, navigate, useLocation } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';

/** Deploys one published model as a real-time service on a specification the API offers. */
export default function ServiceCreate({ projectId }: { projectId: string }) {
  const { query } = useLocation();
  const queries = useQueryClient();
  const path = { project_id: projectId };
  const models = useQuery({
    queryKey: ['models', projectId, 'published'],
    queryFn: () => unwrap(api.GET('/v1/{project_id}/models', { params: { path, query: { offset: 0, limit: 100, model_status: 'published' } } })),
  });
  const specs = useQuery({
    queryKey: ['service-specifications', projectId],
    queryFn: () => unwrap(api.GET('/v1/{project_id}/services/specifications', { params: { path } })),
  });
  const [name, setName] = useState('');
  const [model, setModel] = useState(query.get('model') ?? '');
  const [spec, setSpec] = useState('');
  const [instances, setInstances] = useState(1);
  const modelId = model || models.data?.models[0]?.model_id || '';
  const specification = spec || specs.data?.specifications[0]?.specification || '';
  const base = `/projects/${encodeURIComponent(projectId)}/services`;
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v1/{project_id}/services', {
          params: { path },
          body: { service_name: name, infer_type: 'real-time', config: [{ model_id: modelId, specification, instance_count: instances, weight: 100 }] },
        }),
      ),
    onSuccess: async (created) => {
      await queries.invalidateQueries({ queryKey: ['services', projectId] });
      navigate(`${base}/${encodeURIComponent(created.service_id)}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <div className="panel">
      <h1>Deploy a real-time service</h1>
      <ErrorNote error={models.error ?? specs.error} />
      <form className="stack" onSubmit={submit}>
        <label>
          Name
          <input name="service_name" required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Model
          <select name="model_id" value={modelId} onChange={(e) => setModel(e.target.value)}>
            {models.data?.models.map((m) => (
              <option key={m.model_id} value={m.model_id}>
                {m.model_name} {m.model_version}
              </option>
            ))}
          </select>
        </label>
        <div className="row">
          <label>
            Specification
            <select name="specification" value={specification} onChange={(e) => setSpec(e.target.value)}>
              {specs.data?.specifications.map((s) => (
                <option key={s.specification} value={s.specification}>
                  {s.specification}
                </option>
              ))}
            </select>
          </label>
          <label>
            Instances
            <input
              name="instance_count"
              type="number"
              min={1}
              max={8}
              value={instances}
              onChange={(e) => setInstances(Math.max(1, Number(e.target.value) || 1))}
            />
          </label>
        </div>
        <ErrorNote error={create.error} />
        <div className="row">
          <button className="primary" type="submit" disabled={create.isPending || !modelId}>
            {create.isPending ? 'Deploying…' : 'Deploy'}
          </button>
          <Link to={base}>Cancel</Link>
        </div>
      </form>
    </div>
  );
}
