import { Type, type Static } from 'typebox';
import { IntCodes, ProjectParams, StringCodes } from '#src/core/schemas.ts';
import { ListOf, PageLimit, PageOffset } from '#src/core/request-bounds.ts';

/** Letters, digits, '_' and '-'. */
export const WORKFORCE_NAME_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
/** Descriptions leave out ^ ! < > = & " ' (the console renders them). */
const DESCRIPTION_PATTERN = `^[^\\^!<>=&"']*$`;
export const MAX_EMAILS_PER_REQUEST = 100;
export const MAX_BATCH_WORKERS = 100;

const Description = (lead: string) =>
  Type.String({ maxLength: 256, pattern: DESCRIPTION_PATTERN, description: `${lead}: 0 to 256 characters, none of ^ ! < > = & " '` });

export const WORKER_ROLES = [0, 1, 2] as const;
const ROLE_MEANINGS = { 0: 'labeler', 1: 'reviewer', 2: 'team administrator' } as const;
const VIEW_ROLE_MEANINGS = { ...ROLE_MEANINGS, 3: 'dataset owner (only in a task view)' } as const;
export const WORKER_STATUSES = [0, 1, 2, 3] as const;
const STATUS_MEANINGS = {
  0: 'no invitation sent yet',
  1: 'invitation sent, not signed in since',
  2: 'has signed in',
  3: 'removed from the team',
} as const;

const Order = StringCodes(['asc', 'desc'] as const, { asc: 'ascending', desc: 'descending (default)' }, 'Sort order');

export const WorkforceParams = Type.Object({
  project_id: ProjectParams.properties.project_id,
  workforce_id: Type.String({ minLength: 1, maxLength: 64, description: 'Labeling team ID' }),
});
export const WorkerParams = Type.Object({
  ...WorkforceParams.properties,
  worker_id: Type.String({ minLength: 1, maxLength: 64, description: 'Team member ID' }),
});

export const ListWorkforcesQuery = Type.Object({
  limit: PageLimit(100, 10),
  offset: PageOffset,
  order: Type.Optional(Order),
  search_content: Type.Optional(Type.String({ maxLength: 256, description: 'Only teams whose name or description contains this text, ignoring case' })),
  sort_by: Type.Optional(
    StringCodes(['create_time', 'workforce_name'] as const, { create_time: 'creation time (default)', workforce_name: 'team name' }, 'Sort key'),
  ),
  workforce_task_id: Type.Optional(Type.String({ maxLength: 64, description: 'Only the teams this team labeling task uses' })),
});
export type ListWorkforcesQuery = Static<typeof ListWorkforcesQuery>;

export const Workforce = Type.Object({
  create_time: Type.Integer({ description: 'When the team was created, ms since the epoch' }),
  description: Type.String({ description: 'Team description' }),
  update_time: Type.Integer({ description: 'When the team was last changed, ms since the epoch' }),
  worker_count: Type.Integer({ description: 'Members of the team' }),
  workforce_id: Type.String({ description: 'Labeling team ID' }),
  workforce_name: Type.String({ description: 'Team name, unique in the project' }),
  workspace_id: Type.String({ description: 'Workspace of the team; "0" is the default workspace' }),
});
export type Workforce = Static<typeof Workforce>;

export const WorkforceList = Type.Object({
  total_number: Type.Integer({ description: 'Teams matching the query, over all pages' }),
  workforces: Type.Array(Workforce, { description: 'This page of teams' }),
});

export const CreateWorkforceRequest = Type.Object({
  description: Type.Optional(Description('Team description')),
  workforce_name: Type.String({ pattern: WORKFORCE_NAME_PATTERN, description: "Team name: 1 to 64 letters, digits, '_' or '-', unique in the project" }),
});
export const CreateWorkforceResponse = Type.Object({ workforce_id: Type.String({ description: 'ID of the new team' }) });

export const UpdateWorkforceRequest = Type.Object({
  description: Type.Optional(Description('New team description')),
  workforce_name: Type.Optional(Type.String({ pattern: WORKFORCE_NAME_PATTERN, description: "New team name: 1 to 64 letters, digits, '_' or '-'" })),
});

export const Worker = Type.Object({
  create_time: Type.Integer({ description: 'When the member joined the team, ms since the epoch' }),
  description: Type.String({ description: 'Member description' }),
  email: Type.String({ description: "The member's e-mail address, which is also their sign-in user name" }),
  role: IntCodes([0, 1, 2, 3] as const, VIEW_ROLE_MEANINGS, "The member's role"),
  status: IntCodes(WORKER_STATUSES, STATUS_MEANINGS, "The member's invitation and sign-in state"),
  update_time: Type.Integer({ description: 'When the member was last changed, ms since the epoch' }),
  worker_id: Type.String({ description: 'Team member ID' }),
  workforce_id: Type.String({ description: 'The team the member belongs to' }),
});
export type Worker = Static<typeof Worker>;

export const WorkerList = Type.Object({
  total_number: Type.Integer({ description: 'Members matching the query, over all pages' }),
  workers: Type.Array(Worker, { description: 'This page of members' }),
});

const WorkerSort = StringCodes(['create_time', 'email'] as const, { create_time: 'time the member joined (default)', email: 'e-mail address' }, 'Sort key');

export const ListWorkersQuery = Type.Object({
  limit: PageLimit(100, 10),
  offset: PageOffset,
  order: Type.Optional(Order),
  sort_by: Type.Optional(WorkerSort),
});
export type ListWorkersQuery = Static<typeof ListWorkersQuery>;

export const ListAllWorkersQuery = Type.Object({
  ...ListWorkersQuery.properties,
  role: Type.Optional(IntCodes(WORKER_ROLES, ROLE_MEANINGS, 'Only members of this role (absent: every role)')),
});
export type ListAllWorkersQuery = Static<typeof ListAllWorkersQuery>;

export const CreateWorkerRequest = Type.Object({
  description: Type.Optional(Description('Member description')),
  emails: Type.String({
    minLength: 3,
    maxLength: 26_000,
    description: `The new member's e-mail address; several, separated by commas or semicolons, add one member each (at most ${MAX_EMAILS_PER_REQUEST})`,
  }),
  // The spec's example sends "2" as a string; its table says Integer, which is what is taken.
  role: IntCodes(WORKER_ROLES, ROLE_MEANINGS, "The new members' role"),
});
export type CreateWorkerRequest = Static<typeof CreateWorkerRequest>;

export const UpdateWorkerRequest = Type.Object({
  description: Type.Optional(Description('New member description')),
  // The spec lists 3 (dataset owner) here too; the owner is not a team member, so only 0-2 are taken.
  role: Type.Optional(IntCodes(WORKER_ROLES, ROLE_MEANINGS, 'New role')),
});

export const BatchDeleteWorkersRequest = Type.Object({
  workers: ListOf(
    Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.@-]+$', description: 'Team member ID' }),
    MAX_BATCH_WORKERS,
    'Members to remove',
  ),
});

export const BatchItemResult = Type.Object({
  error_code: Type.Optional(Type.String({ description: 'Why this item failed (only on failure)' })),
  error_msg: Type.Optional(Type.String({ description: 'The failure in words (only on failure)' })),
  success: Type.Boolean({ description: 'true: this item was carried out' }),
});
export type BatchItemResult = Static<typeof BatchItemResult>;

export const BatchResult = Type.Object({
  error_code: Type.Optional(Type.String({ description: 'The first failure, when any item failed' })),
  error_msg: Type.Optional(Type.String({ description: 'The first failure in words, when any item failed' })),
  results: Type.Optional(Type.Array(BatchItemResult, { description: 'One result per requested item, in request order' })),
  success: Type.Boolean({ description: 'true: every item was carried out' }),
});
export type BatchResult = Static<typeof BatchResult>;

export const InvitationParams = Type.Object({
  token: Type.String({ minLength: 16, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$', description: 'The token of the invitation link, as the mail gives it' }),
});
export const AcceptInvitationRequest = Type.Object({
  password: Type.String({ minLength: 8, maxLength: 128, description: 'The password the member chooses: 8 to 128 characters' }),
});
export const AcceptInvitationResponse = Type.Object({
  domain_name: Type.String({ description: 'The account to sign in to (auth.identity.password.user.domain.name of POST /v3/auth/tokens)' }),
  user_name: Type.String({ description: "The member's user name: their e-mail address" }),
  project_id: Type.String({ description: 'The project to scope the token to' }),
  project_name: Type.String({ description: 'The name of that project' }),
});
