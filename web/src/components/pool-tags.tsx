import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { ErrorNote } from './error-note.tsx';

/** A pool's tags: the list, one removal per tag, and a form adding one (an existing key takes the new value). */
export function PoolTags({ projectId, poolName }: { projectId: string; poolName: string }) {
  const queries = useQueryClient();
  const path = { project_id: projectId, pool_name: poolName };
  const tags = useQuery({
    queryKey: ['pool-tags', projectId, poolName],
    queryFn: () => unwrap(api.GET('/v1/{project_id}/pools/{pool_name}/tags', { params: { path } })),
  });
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const refresh = () => queries.invalidateQueries({ queryKey: ['pool-tags', projectId, poolName] });
  const add = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/{project_id}/pools/{pool_name}/tags/create', { params: { path }, body: { tags: [{ key, value }] } })),
    onSuccess: async () => {
      setKey('');
      setValue('');
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (tagKey: string) =>
      unwrap(api.DELETE('/v1/{project_id}/pools/{pool_name}/tags/delete', { params: { path }, body: { tags: [{ key: tagKey }] } })),
    onSettled: refresh,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  const list = tags.data?.tags ?? [];
  return (
    <>
      <ErrorNote error={tags.error ?? remove.error} />
      {list.length > 0 ? (
        <table aria-label="Tags">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Value</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((t) => (
              <tr key={t.key}>
                <td>{t.key}</td>
                <td>{t.value}</td>
                <td>
                  <button type="button" aria-label={`Remove tag ${t.key}`} disabled={remove.isPending} onClick={() => remove.mutate(t.key)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">{tags.isPending ? 'Loading…' : 'No tags.'}</p>
      )}
      <form className="row" onSubmit={submit} aria-label="Add a tag">
        <label>
          Tag key
          <input name="tag_key" required value={key} onChange={(e) => setKey(e.target.value)} />
        </label>
        <label>
          Tag value
          <input name="tag_value" value={value} onChange={(e) => setValue(e.target.value)} />
        </label>
        <button type="submit" disabled={add.isPending}>
          Add tag
        </button>
      </form>
      <ErrorNote error={add.error} />
    </>
  );
}
