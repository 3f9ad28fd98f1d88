import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { Link, navigate } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { DATASET_TYPES, type DatasetType } from '../codes.ts';

/** Creates a dataset whose samples are the files of an OBS folder; its page then shows the scan. */
export default function DatasetCreate({ projectId }: { projectId: string }) {
  const queries = useQueryClient();
  const [name, setName] = useState('');
  const [type, setType] = useState<DatasetType>(0);
  const [input, setInput] = useState('');
  const [output, setOutput] = useState('');
  const [description, setDescription] = useState('');
  const base = `/projects/${encodeURIComponent(projectId)}/datasets`;
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v2/{project_id}/datasets', {
          params: { path: { project_id: projectId } },
          body: {
            dataset_name: name,
            dataset_type: type,
            description,
            data_sources: [{ data_type: 0, data_path: input }],
            work_path: output,
            work_path_type: 0,
          },
        }),
      ),
    onSuccess: async (created) => {
      await queries.invalidateQueries({ queryKey: ['datasets', projectId] });
      navigate(`${base}/${encodeURIComponent(created.dataset_id ?? '')}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <div className="panel">
      <h1>Create a dataset</h1>
      <form className="stack" onSubmit={submit}>
        <label>
          Name
          <span className="hint">1 to 64 letters, digits, hyphens or underscores, starting with a letter</span>
          <input name="dataset_name" required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Type
          <select name="dataset_type" value={type} onChange={(e) => setType(DATASET_TYPES.find(([c]) => String(c) === e.target.value)?.[0] ?? 0)}>
            {DATASET_TYPES.map(([code, label]) => (
              <option key={code} value={code}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Input folder
          <span className="hint">The OBS folder whose files become the samples, e.g. /my-bucket/images/</span>
          <input name="data_path" required placeholder="/bucket/folder/" value={input} onChange={(e) => setInput(e.target.value)} />
        </label>
        <label>
          Output folder
          <span className="hint">Where labels and published versions are written, e.g. /my-bucket/output/</span>
          <input name="work_path" required placeholder="/bucket/output/" value={output} onChange={(e) => setOutput(e.target.value)} />
        </label>
        <label>
          Description
          <textarea name="description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
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
