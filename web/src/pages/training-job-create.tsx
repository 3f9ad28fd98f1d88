import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { Link, navigate, useLocation } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';

/** name=value lines into parameters; blank lines are skipped. */
const parseParameters = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const eq = l.indexOf('=');
      return eq < 0 ? { name: l, value: '' } : { name: l.slice(0, eq).trim(), value: l.slice(eq + 1).trim() };
    });

/**
 * Creates a training job from one of the project's algorithms or from a code folder, on a flavor and
 * (for a code folder) an engine the API offers; the job's page then shows it run.
 */
export default function TrainingJobCreate({ projectId }: { projectId: string }) {
  const { query } = useLocation();
  const queries = useQueryClient();
  const path = { project_id: projectId };
  const flavors = useQuery({
    queryKey: ['training-flavors', projectId],
    queryFn: () => unwrap(api.GET('/v2/{project_id}/training-job-flavors', { params: { path } })),
  });
  const engines = useQuery({
    queryKey: ['training-engines', projectId],
    queryFn: () => unwrap(api.GET('/v2/{project_id}/training-job-engines', { params: { path } })),
  });
  const algorithms = useQuery({
    queryKey: ['algorithms', projectId, 'all'],
    queryFn: () => unwrap(api.GET('/v2/{project_id}/algorithms', { params: { path, query: { offset: 0, limit: 50, sort_by: 'name', order: 'asc' } } })),
  });
  const [name, setName] = useState('');
  const [algorithm, setAlgorithm] = useState(query.get('algorithm') ?? '');
  const [codeDir, setCodeDir] = useState('');
  const [bootFile, setBootFile] = useState('');
  const [engine, setEngine] = useState('');
  const [flavor, setFlavor] = useState('');
  const [nodes, setNodes] = useState(1);
  const [data, setData] = useState('');
  const [output, setOutput] = useState('');
  const [parameters, setParameters] = useState('');
  const base = `/projects/${encodeURIComponent(projectId)}/training-jobs`;
  const engineId = engine || engines.data?.items[0]?.engine_id || '';
  const flavorId = flavor || flavors.data?.flavors[0]?.flavor_id || '';

  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v2/{project_id}/training-jobs', {
          params: { path },
          body: {
            kind: 'job',
            metadata: { name },
            algorithm: {
              ...(algorithm ? { id: algorithm } : { code_dir: codeDir, boot_file: bootFile, engine: { engine_id: engineId } }),
              parameters: parseParameters(parameters),
              ...(data ? { inputs: [{ name: 'data_url', remote: { obs: { obs_url: data } } }] } : {}),
              ...(output ? { outputs: [{ name: 'train_url', remote: { obs: { obs_url: output } } }] } : {}),
            },
            spec: { resource: { flavor_id: flavorId, node_count: nodes } },
          },
        }),
      ),
    onSuccess: async (job) => {
      await queries.invalidateQueries({ queryKey: ['training-jobs', projectId] });
      navigate(`${base}/${encodeURIComponent(job.metadata.id)}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <div className="panel">
      <h1>Create a training job</h1>
      <ErrorNote error={flavors.error ?? engines.error ?? algorithms.error} />
      <form className="stack" onSubmit={submit}>
        <label>
          Name
          <span className="hint">1 to 64 letters, digits, hyphens or underscores</span>
          <input name="name" required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Algorithm
          <select name="algorithm" value={algorithm} onChange={(e) => setAlgorithm(e.target.value)}>
            <option value="">None: run a code folder</option>
            {algorithms.data?.items.map((a) => (
              <option key={a.metadata.id} value={a.metadata.id}>
                {a.metadata.name}
              </option>
            ))}
          </select>
        </label>
        {algorithm ? null : (
          <>
            <label>
              Code folder
              <span className="hint">The OBS folder of the code, e.g. /my-bucket/code/</span>
              <input name="code_dir" required placeholder="/bucket/code/" value={codeDir} onChange={(e) => setCodeDir(e.target.value)} />
            </label>
            <label>
              Boot file
              <span className="hint">The script to run, inside the code folder</span>
              <input name="boot_file" required placeholder="/bucket/code/train.py" value={bootFile} onChange={(e) => setBootFile(e.target.value)} />
            </label>
            <label>
              Engine
              <select name="engine" value={engineId} onChange={(e) => setEngine(e.target.value)}>
                {engines.data?.items.map((en) => (
                  <option key={en.engine_id} value={en.engine_id}>
                    {en.engine_name} {en.engine_version}
                  </option>
                ))}
              </select>
            </label>
          </>
        )}
        <label>
          Input data (data_url)
          <span className="hint">Optional OBS folder the script reads, passed as --data_url</span>
          <input name="data_url" placeholder="/bucket/data/" value={data} onChange={(e) => setData(e.target.value)} />
        </label>
        <label>
          Output (train_url)
          <span className="hint">Optional OBS folder the script writes its model to, passed as --train_url</span>
          <input name="train_url" placeholder="/bucket/output/" value={output} onChange={(e) => setOutput(e.target.value)} />
        </label>
        <label>
          Parameters
          <span className="hint">One name=value a line, passed to the script as --name=value</span>
          <textarea name="parameters" rows={3} value={parameters} onChange={(e) => setParameters(e.target.value)} />
        </label>
        <div className="row">
          <label>
            Flavor
            <select name="flavor" value={flavorId} onChange={(e) => setFlavor(e.target.value)}>
              {flavors.data?.flavors.map((f) => (
                <option key={f.flavor_id} value={f.flavor_id}>
                  {f.flavor_name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Nodes
            <input name="node_count" type="number" min={1} max={16} value={nodes} onChange={(e) => setNodes(Math.max(1, Number(e.target.value) || 1))} />
          </label>
        </div>
        <ErrorNote error={create.error} />
        <div className="row">
          <button className="primary" type="submit" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create'}
          </button>
          <Link to={base}>Cancel</Link>
        </div>
      </form>
    </div>
  );
}
