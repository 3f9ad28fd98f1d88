import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../api/client.ts';
import { Link, useLocation, withQuery } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { AccessKeys } from './settings-keys.tsx';
import { Users, usersQuery } from './settings-users.tsx';
import { Projects } from './settings-projects.tsx';

type Tab = 'keys' | 'users' | 'projects';

/**
 * The account's settings: the signed-in user's access keys, and for an admin the account's users and
 * projects. Whether the user is an admin is the server's answer to listing the users (403 otherwise).
 */
export default function Settings({ projectId }: { projectId: string }) {
  const { pathname, query } = useLocation();
  const users = useQuery(usersQuery(projectId));
  const refused = users.error instanceof ApiError && users.error.status === 403;
  const admin = users.isSuccess;
  const asked = (query.get('tab') ?? 'keys') as Tab;
  const tab: Tab = admin && (asked === 'users' || asked === 'projects') ? asked : 'keys';
  const tabs: Array<[Tab, string]> = admin
    ? [
        ['keys', 'Access keys'],
        ['users', 'Users'],
        ['projects', 'Projects'],
      ]
    : [['keys', 'Access keys']];
  return (
    <>
      <h1>Settings</h1>
      <nav aria-label="Settings sections" className="row">
        {tabs.map(([id, label]) => (
          <Link key={id} to={`${pathname}${withQuery(query, { tab: id === 'keys' ? undefined : id })}`} aria-current={tab === id ? 'page' : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      {users.error && !refused ? <ErrorNote error={users.error} /> : null}
      {tab === 'keys' ? <AccessKeys projectId={projectId} /> : null}
      {tab === 'users' ? <Users projectId={projectId} /> : null}
      {tab === 'projects' ? <Projects projectId={projectId} /> : null}
    </>
  );
}
