import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client.ts';
import { addProjectToken } from '../session.ts';
import { navigate } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';

/** The invitation link of a labeling team member: set a password once, then sign in with it and open the member's tasks. */
export default function Invite({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (password !== again) {
      setError(new Error('The two passwords differ.'));
      return;
    }
    setBusy(true);
    try {
      const who = await unwrap(api.POST('/v3/atelier/invitations/{token}', { params: { path: { token } }, body: { password } }));
      const call = api.POST('/v3/auth/tokens', {
        body: {
          auth: {
            identity: { methods: ['password'], password: { user: { name: who.user_name, password, domain: { name: who.domain_name } } } },
            scope: { project: { id: who.project_id } },
          },
        },
      });
      const answer = await unwrap(call);
      const subject = (await call).response.headers.get('X-Subject-Token');
      if (!subject) throw new Error('The answer carried no X-Subject-Token header.');
      const t = answer.token;
      addProjectToken(
        { domain: t.user.domain.name, user: t.user.name, userId: t.user.id },
        { id: t.project.id, name: t.project.name, token: subject, expiresAt: t.expires_at },
      );
      navigate(`/projects/${encodeURIComponent(t.project.id)}/worker-tasks`, { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <main id="content" className="narrow">
      <div className="panel">
        <h1>Join the labeling team</h1>
        <p>Choose the password you will sign in with; your user name is the e-mail address the invitation was sent to.</p>
        <form className="stack" onSubmit={(e) => void submit(e)}>
          <label>
            New password
            <input name="password" type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          </label>
          <label>
            Repeat the password
            <input name="password_again" type="password" autoComplete="new-password" required value={again} onChange={(e) => setAgain(e.target.value)} />
          </label>
          <ErrorNote error={error} />
          <button className="primary" type="submit" disabled={busy}>
            {busy ? 'Joining…' : 'Set password and sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}
