// The workforces family's tables: labeling teams, their members, and the invitations sent to them (#41-53).

export interface WorkforceRow {
  /** workforce_id: 19 letters and digits. */
  id: string;
  project_id: string;
  name: string;
  description: string;
  workspace_id: string;
  created_at: number;
  updated_at: number;
}

/** 0 labeler, 1 reviewer, 2 team administrator. */
export type WorkerRoleValue = 0 | 1 | 2;
/** 0 not invited, 1 invitation sent: what mail did. Signed in (2) and deleted (3) are derived. */
export type InviteStatusValue = 0 | 1;

/** One member of one team. A member removed keeps its row (deleted_at set) so task views can still name them. */
export interface WorkerRow {
  /** worker_id: 32 hex characters. */
  id: string;
  workforce_id: string;
  project_id: string;
  /** Lower-cased. */
  email: string;
  role: WorkerRoleValue;
  description: string;
  invite_status: InviteStatusValue;
  /** The member's sign-in identity: a user of role 'worker' in the project's domain, named by the e-mail. */
  user_id: string;
  deleted_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface WorkerInvitationRow {
  /** SHA-256 of the link's token; the token itself is only in the mail. */
  token_hash: string;
  worker_id: string;
  user_id: string;
  project_id: string;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}

export interface WorkforceTables {
  workforces: WorkforceRow;
  workforce_workers: WorkerRow;
  worker_invitations: WorkerInvitationRow;
}
