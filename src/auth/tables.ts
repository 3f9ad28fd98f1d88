export interface DomainRow {
  id: string;
  name: string;
  created_at: number;
}

/** 'worker': a labeling team member's identity, which may call only the routes marked for workers. */
export type Role = 'admin' | 'user' | 'worker';

export interface UserRow {
  id: string;
  domain_id: string;
  name: string;
  password_hash: string;
  role: Role;
  created_at: number;
  /** A worker's latest sign-in (their labeling team status shows it); unset for other users. */
  last_sign_in_at?: number | null;
}

export interface ProjectRow {
  id: string;
  domain_id: string;
  name: string;
  created_at: number;
}

export interface AccessKeyRow {
  ak: string;
  user_id: string;
  /** The SK, encrypted with the master key (see secret-box.ts). */
  secret_enc: string;
  description: string;
  created_at: number;
}

export interface TokenRow {
  /** SHA-256 of the token; the token itself is never stored. */
  token_hash: string;
  user_id: string;
  project_id: string;
  expires_at: number;
  created_at: number;
}

export interface IdentityTables {
  domains: DomainRow;
  users: UserRow;
  projects: ProjectRow;
  project_members: { project_id: string; user_id: string };
  access_keys: AccessKeyRow;
  tokens: TokenRow;
}
