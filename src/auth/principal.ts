import type { Role } from './tables.ts';

/** Who is calling, established by the auth hook; `projectId` is the project the request acts in. */
export interface Principal {
  domainId: string;
  domainName: string;
  userId: string;
  userName: string;
  role: Role;
  projectId: string;
  via: 'token' | 'aksk';
}
