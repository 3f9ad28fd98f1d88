export interface AuthorizationRow {
  project_id: string;
  user_id: string;
  user_name: string;
  type: 'agency' | 'credential';
  content: string;
  secret_enc: string | null;
  create_time: number;
}

export interface AgencyRow {
  project_id: string;
  name: string;
  created_by: string;
  create_time: number;
}

export interface AuthorizationTables {
  authorizations: AuthorizationRow;
  agencies: AgencyRow;
}
