import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, projectToken, unwrap } from '../api/client.ts';
import type { operations } from '../api/schema.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { useSession } from '../components/shell.tsx';

type NewCredential = operations['CreatePermanentAccessKey']['responses'][201]['content']['application/json']['credential'];

/** The most access keys a user may hold (the server's limit, IAM's). */
const KEYS_PER_USER = 2;

/** The key just made, shown once: its secret cannot be read again. */
function NewKey({ made, user, onDone }: { made: NewCredential; user: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const csv = `User Name,Access Key Id,Secret Access Key\n${user},${made.access},${made.secret}\n`;
  const download = useMemo(() => URL.createObjectURL(new Blob([csv], { type: 'text/csv' })), [csv]);
  useEffect(() => () => URL.revokeObjectURL(download), [download]);
  const copy = async () => {
    await navigator.clipboard.writeText(made.secret);
    setCopied(true);
  };
  return (
    <div className="panel" role="status" aria-label="New access key">
      <h2>New access key</h2>
      <p className="notice">The secret access key is shown this once. Copy it or download it now: it cannot be read again.</p>
      <dl>
        <dt>Access key ID</dt>
        <dd>
          <code data-testid="new-ak">{made.access}</code>
        </dd>
        <dt>Secret access key</dt>
        <dd>
          <code data-testid="new-sk">{made.secret}</code>
        </dd>
      </dl>
      <div className="row">
        <button type="button" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy the secret'}
        </button>
        <a href={download} download="credentials.csv" className="button">
          Download credentials.csv
        </a>
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

/** The signed-in user's access keys: list, create (the secret shown once), delete. */
export function AccessKeys({ projectId }: { projectId: string }) {
  const session = useSession();
  const userId = session?.userId ?? '';
  const queries = useQueryClient();
  const key = ['iam-keys', projectId, userId];
  const keys = useQuery({
    queryKey: key,
    queryFn: async () =>
      (await unwrap(api.GET('/v3.0/OS-CREDENTIAL/credentials', { headers: projectToken(projectId), params: { query: { user_id: userId } } }))).credentials,
    enabled: userId !== '',
  });
  const [description, setDescription] = useState('');
  const [made, setMade] = useState<NewCredential | undefined>();
  const refresh = () => queries.invalidateQueries({ queryKey: key });
  const create = useMutation({
    mutationFn: async () =>
      (
        await unwrap(
          api.POST('/v3.0/OS-CREDENTIAL/credentials', {
            headers: projectToken(projectId),
            body: { credential: { user_id: userId, description: description.trim() } },
          }),
        )
      ).credential,
    onSuccess: async (k) => {
      setMade(k);
      setDescription('');
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (ak: string) =>
      unwrap(api.DELETE('/v3.0/OS-CREDENTIAL/credentials/{access_key}', { headers: projectToken(projectId), params: { path: { access_key: ak } } })),
    onSettled: refresh,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const rows = keys.data ?? [];
  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">Access keys</h2>
      <p className="muted">
        Access keys (AK/SK) sign API and SDK requests as you. You may hold {KEYS_PER_USER}: make the second, switch to it, then delete the first.
      </p>
      <ErrorNote error={keys.error ?? remove.error} />
      {made ? <NewKey made={made} user={session?.user ?? ''} onDone={() => setMade(undefined)} /> : null}
      {keys.isPending ? <p className="muted">Loading…</p> : null}
      {keys.data ? (
        rows.length > 0 ? (
          <table aria-label="Access keys">
            <thead>
              <tr>
                <th scope="col">Access key ID</th>
                <th scope="col">Description</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((k) => (
                <tr key={k.access}>
                  <td>
                    <code>{k.access}</code>
                  </td>
                  <td>{k.description}</td>
                  <td>{k.status}</td>
                  <td>{new Date(k.create_time).toLocaleString()}</td>
                  <td>
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Delete access key ${k.access}`}
                      disabled={remove.isPending}
                      onClick={() => {
                        if (window.confirm(`Delete access key ${k.access}? Requests signed with it stop working.`)) remove.mutate(k.access);
                      }}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="notice">You hold no access keys.</p>
        )
      ) : null}
      <form className="row" onSubmit={submit} aria-label="Create an access key">
        <label>
          Description
          <input name="description" maxLength={255} value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <button type="submit" disabled={create.isPending || rows.length >= KEYS_PER_USER}>
          Create access key
        </button>
      </form>
      {rows.length >= KEYS_PER_USER ? <p className="muted">You hold {KEYS_PER_USER} keys, the most one may: delete one to make another.</p> : null}
      <ErrorNote error={create.error} />
    </section>
  );
}
