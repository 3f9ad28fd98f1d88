import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client.ts';
import { addProjectToken, readSession } from '../session.ts';
import { navigate, useLocation } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';

/** IAM's password login (POST /v3/auth/tokens) for one project; the token comes in X-Subject-Token. */
export default function SignIn() {
  const { query } = useLocation();
  const known = readSession();
  const [domain, setDomain] = useState(known?.domain ?? '');
  const [user, setUser] = useState(known?.user ?? '');
  const [password, setPassword] = useState('');
  const [project, setProject] = useState(query.get('project') ?? (query.get('add') ? '' : 'default'));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const call = api.POST('/v3/auth/tokens', {
        body: {
          auth: {
            identity: { methods: ['password'], password: { user: { name: user, password, domain: { name: domain } } } },
            scope: { project: { name: project } },
          },
        },
      });
      const answer = await unwrap(call);
      const token = (await call).response.headers.get('X-Subject-Token');
      if (!token) throw new Error('The answer carried no X-Subject-Token header.');
      const t = answer.token;
      addProjectToken(
        { domain: t.user.domain.name, user: t.user.name, userId: t.user.id },
        { id: t.project.id, name: t.project.name, token, expiresAt: t.expires_at },
      );
      const next = query.get('next');
      // A labeling team member can only work on their tasks: that is their home.
      const home = t.roles.some((r) => r.id === 'worker') ? 'worker-tasks' : 'datasets';
      navigate(next && next.startsWith(`/projects/${t.project.id}/`) ? next : `/projects/${encodeURIComponent(t.project.id)}/${home}`, { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <main id="content" className="narrow">
      <div className="panel">
        <h1>Sign in to Atelier</h1>
        {query.get('expired') ? <p className="notice">Your session ended or was refused: sign in again.</p> : null}
        <form className="stack" onSubmit={(e) => void submit(e)}>
          <label>
            Domain
            <input name="domain" autoComplete="organization" required value={domain} onChange={(e) => setDomain(e.target.value)} />
          </label>
          <label>
            User
            <input name="user" autoComplete="username" required value={user} onChange={(e) => setUser(e.target.value)} />
          </label>
          <label>
            Password
            <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          </label>
          <label>
            Project
            <input name="project" required value={project} onChange={(e) => setProject(e.target.value)} />
          </label>
          <ErrorNote error={error} />
          <button className="primary" type="submit" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}
