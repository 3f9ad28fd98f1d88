import { useSyncExternalStore, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, projectToken, unwrap } from '../api/client.ts';
import { readSession, signOut, subscribeSession, tokenOf } from '../session.ts';
import { Link, navigate } from '../router.ts';

export function useSession() {
  return useSyncExternalStore(subscribeSession, readSession);
}

/** The frame of every signed-in page: the menu of the user's projects, the families served, sign-out. */
export function Shell({ projectId, children }: { projectId: string; children: ReactNode }) {
  const session = useSession();
  const queries = useQueryClient();
  // The user's projects as IAM lists them; one without a token in this tab asks for a sign-in first.
  const mine = useQuery({
    queryKey: ['auth-projects', projectId],
    queryFn: async () => (await unwrap(api.GET('/v3/auth/projects', { headers: projectToken(projectId) }))).projects,
    staleTime: 60_000,
  });
  const projects = mine.data ?? session?.projects ?? [];
  const leave = () => {
    signOut();
    queries.clear();
    navigate('/sign-in');
  };
  const switchTo = (value: string) => {
    const target = `/projects/${encodeURIComponent(value)}/datasets`;
    const name = projects.find((p) => p.id === value)?.name ?? value;
    if (tokenOf(value)) navigate(target);
    else navigate(`/sign-in?add=1&project=${encodeURIComponent(name)}&next=${encodeURIComponent(target)}`);
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
          <Link to={`/projects/${encodeURIComponent(projectId)}/worker-tasks`}>My labeling tasks</Link>
          <Link to={`/projects/${encodeURIComponent(projectId)}/algorithms`}>Algorithms</Link>
          <Link to={`/projects/${encodeURIComponent(projectId)}/training-jobs`}>Training jobs</Link>
          <Link to={`/projects/${encodeURIComponent(projectId)}/models`}>Models</Link>
          <Link to={`/projects/${encodeURIComponent(projectId)}/services`}>Services</Link>
          <Link to={`/projects/${encodeURIComponent(projectId)}/notebooks`}>Notebooks</Link>
          <Link to={`/projects/${encodeURIComponent(projectId)}/pools`}>Resource pools</Link>
          <Link to={`/projects/${encodeURIComponent(projectId)}/authorizations`}>Authorizations</Link>
          <Link to={`/projects/${encodeURIComponent(projectId)}/settings`}>Settings</Link>
        </nav>
        <label className="row">
          <span>Project</span>
          <select value={projectId} onChange={(e) => switchTo(e.target.value)}>
            {projects.some((p) => p.id === projectId) ? null : <option value={projectId}>{projectId}</option>}
            {projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
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
