import { useSyncExternalStore, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { readSession, signOut, subscribeSession } from '../session.ts';
import { Link, navigate } from '../router.ts';

export function useSession() {
  return useSyncExternalStore(subscribeSession, readSession);
}

/** The frame of every signed-in page: the project switcher, the families served, sign-out. */
export function Shell({ projectId, children }: { projectId: string; children: ReactNode }) {
  const session = useSession();
  const queries = useQueryClient();
  const project = session?.projects.find((p) => p.id === projectId);
  const leave = () => {
    signOut();
    queries.clear();
    navigate('/sign-in');
  };
  const switchTo = (value: string) => {
    if (value === '+') navigate(`/sign-in?add=1&next=${encodeURIComponent(window.location.pathname)}`);
    else navigate(`/projects/${encodeURIComponent(value)}/datasets`);
  };
  return (
    <>
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <header className="top">
        <Link className="brand" to={`/projects/${encodeURIComponent(projectId)}/datasets`}>
          Atelier
        </Link>
        <nav aria-label="Families">
          <Link to={`/projects/${encodeURIComponent(projectId)}/datasets`}>Datasets</Link>
        </nav>
        <label className="row">
          <span>Project</span>
          <select value={projectId} onChange={(e) => switchTo(e.target.value)}>
            {project ? null : <option value={projectId}>{projectId}</option>}
            {session?.projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
            <option value="+">Sign in to another project…</option>
          </select>
        </label>
        <span className="muted">{session ? `${session.user} @ ${session.domain}` : ''}</span>
        <button type="button" onClick={leave}>
          Sign out
        </button>
      </header>
      <main id="content">{children}</main>
    </>
  );
}
