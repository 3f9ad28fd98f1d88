// The signed-in user and one token per project signed into, kept in sessionStorage: it ends with the
// browser tab, and other tabs or sites cannot read it across sessions the way localStorage would keep it.

export interface ProjectToken {
  id: string;
  name: string;
  token: string;
  /** ISO time the token stops working. */
  expiresAt: string;
}

export interface Session {
  domain: string;
  user: string;
  userId: string;
  projects: ProjectToken[];
}

const KEY = 'atelier.session';
const listeners = new Set<() => void>();
let cached: Session | null | undefined;

export function readSession(): Session | null {
  if (cached !== undefined) return cached;
  try {
    const raw = sessionStorage.getItem(KEY);
    cached = raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    cached = null;
  }
  return cached;
}

function write(session: Session | null): void {
  cached = session;
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
  for (const l of listeners) l();
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Adds (or renews) the token of a project; a different user starts a new session. */
export function addProjectToken(who: { domain: string; user: string; userId: string }, project: ProjectToken): void {
  const current = readSession();
  const same = current && current.userId === who.userId;
  const projects = (same ? current.projects : []).filter((p) => p.id !== project.id);
  write({ ...who, projects: [...projects, project].sort((a, b) => a.name.localeCompare(b.name)) });
}

export function tokenOf(projectId: string): ProjectToken | undefined {
  return readSession()?.projects.find((p) => p.id === projectId);
}

/** Forgets one project's token (it was refused); the session ends with its last one. */
export function dropProjectToken(projectId: string): void {
  const current = readSession();
  if (!current) return;
  const projects = current.projects.filter((p) => p.id !== projectId);
  write(projects.length > 0 ? { ...current, projects } : null);
}

export function signOut(): void {
  write(null);
}
