// Request and answer bodies of the IAM (Keystone-shaped) APIs for access keys, users and projects.
import { Type } from 'typebox';
import { Closed } from '#src/core/request-bounds.ts';
import { StringCodes } from '#src/core/schemas.ts';

const Id = (description: string) => Type.String({ minLength: 1, maxLength: 64, description });
const When = (description: string) => Type.String({ description: `${description}, ISO 8601 UTC` });
const SelfLink = (description: string) => Type.Object({ self: Type.String({ description: 'The URL of this resource' }) }, { description });
const ListLinks = Type.Object(
  {
    self: Type.String({ description: 'The URL of this list' }),
    previous: Type.Union([Type.String(), Type.Null()], { description: 'Always null: the list comes in one page' }),
    next: Type.Union([Type.String(), Type.Null()], { description: 'Always null: the list comes in one page' }),
  },
  { description: 'Links of the list' },
);

const NAME_RULE = '1-64 letters, digits, "_", "-" or "."';
const PASSWORD_RULE = 'at least 8 characters';

// Access keys (IAM's permanent access keys, OS-CREDENTIAL)

const KeyStatus = StringCodes(['active'], { active: 'the key signs requests (a deleted key is gone, not inactive)' }, 'State of the key');
const CredentialFields = {
  access: Type.String({ description: 'The access key ID (AK), the Access= of a signature' }),
  status: KeyStatus,
  user_id: Type.String({ description: 'ID of the user the key acts as' }),
  description: Type.String({ description: 'What the key is for, as given at creation (may be empty)' }),
  create_time: When('When the key was created'),
};

export const CreateCredentialRequest = Closed(
  {
    credential: Closed(
      {
        user_id: Id("ID of the user the key is for: the caller's own, or, for an admin of the account, one of its users"),
        description: Type.Optional(Type.String({ maxLength: 255, description: 'What the key is for, up to 255 characters' })),
      },
      { description: 'The key to create' },
    ),
  },
  { description: 'A new access key' },
);

export const CreateCredentialResponse = Type.Object({
  credential: Type.Object(
    {
      ...CredentialFields,
      secret: Type.String({ description: 'The secret access key (SK). Shown in this answer only: it cannot be read again, so keep it now' }),
    },
    { description: 'The new key, with its secret' },
  ),
});

export const ListCredentialsQuery = Type.Object({
  user_id: Type.Optional(
    Id("Whose keys to list: the caller's own, or, for an admin, any user of the account. Left out: the caller's own, or every user's for an admin"),
  ),
});

export const ListCredentialsResponse = Type.Object({
  credentials: Type.Array(Type.Object(CredentialFields, { description: 'An access key, without its secret' }), {
    description: 'The keys, oldest first; each user holds at most 2',
  }),
});

export const CredentialParams = Type.Object({ access_key: Id('The access key ID (AK) to delete') });

// Users

const Role = StringCodes(
  ['admin', 'user'],
  { admin: "manages the account's users, projects and every user's access keys", user: 'works in the projects they are a member of' },
  "The user's role in the account",
);

export const UserBody = Type.Object(
  {
    id: Type.String({ description: 'User ID' }),
    name: Type.String({ description: 'User name, unique in the account' }),
    domain_id: Type.String({ description: "The user's account (domain) ID" }),
    enabled: Type.Boolean({ description: 'Always true: a user that exists can sign in (delete a user to stop them)' }),
    role: Role,
    create_time: When('When the user was created'),
    links: SelfLink('Where the user is'),
  },
  { description: "A user of the caller's account" },
);

export const CreateUserRequest = Closed(
  {
    user: Closed(
      {
        name: Type.String({ minLength: 1, maxLength: 64, description: `User name: ${NAME_RULE}, unique in the account` }),
        password: Type.String({ minLength: 1, maxLength: 256, description: `Password, ${PASSWORD_RULE}` }),
        domain_id: Type.Optional(Id("The account to create the user in; it must be the caller's own (left out: the caller's)")),
        role: Type.Optional(
          StringCodes(
            ['admin', 'user'],
            { admin: "manages the account's users, projects and access keys", user: 'works in the projects they are made a member of' },
            'Role of the new user (default user)',
          ),
        ),
      },
      { description: 'The user to create' },
    ),
  },
  { description: 'A new user of the account' },
);

export const UpdateUserRequest = Closed(
  {
    user: Closed(
      { password: Type.String({ minLength: 1, maxLength: 256, description: `The new password, ${PASSWORD_RULE}; the user's tokens end with the old one` }) },
      { description: 'What to change: the password only' },
    ),
  },
  { description: "An admin's change to a user" },
);

export const UserResponse = Type.Object({ user: UserBody });
export const UserParams = Type.Object({ user_id: Id('ID of a user of the account') });
export const ListUsersQuery = Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only the user of this name' })) });
export const ListUsersResponse = Type.Object({
  users: Type.Array(UserBody, { description: "The account's users by name (labeling team members are managed through the workforce APIs and are not listed)" }),
  links: ListLinks,
});

// Projects

export const ProjectBody = Type.Object(
  {
    id: Type.String({ description: 'Project ID' }),
    name: Type.String({ description: 'Project name' }),
    domain_id: Type.String({ description: "The project's account (domain) ID" }),
    description: Type.String({ description: 'Always empty: Atelier projects carry no description' }),
    enabled: Type.Boolean({ description: 'Always true: a project that exists can be used' }),
    is_domain: Type.Boolean({ description: 'Always false: a project here is never itself an account' }),
    parent_id: Type.String({ description: "The project's parent, which is its account (domain) ID" }),
    links: SelfLink('Where the project is'),
  },
  { description: "A project of the caller's account" },
);

export const CreateProjectRequest = Closed(
  {
    project: Closed(
      {
        name: Type.String({ minLength: 1, maxLength: 64, description: `Project name: ${NAME_RULE}, unique in the account` }),
        domain_id: Type.Optional(Id("The account to create the project in; it must be the caller's own (left out: the caller's)")),
      },
      { description: 'The project to create (it starts with no members)' },
    ),
  },
  { description: 'A new project of the account' },
);

export const ProjectResponse = Type.Object({ project: ProjectBody });
export const ListProjectsResponse = Type.Object({ projects: Type.Array(ProjectBody, { description: "The account's projects by name" }), links: ListLinks });

/** Keystone's {project_id}, under another name: the auth hook takes a path's project_id as the project the request acts in. */
export const ProjectPathParams = Type.Object({ iam_project_id: Id("ID of a project of the caller's account (Keystone's project_id)") });

export const MEMBER_ROLE = 'member';
export const MembershipParams = Type.Object({
  iam_project_id: Id("ID of a project of the caller's account (Keystone's project_id)"),
  user_id: Id('ID of a user of the account'),
  role_id: StringCodes([MEMBER_ROLE], { member: 'a member of the project, who may use everything in it' }, 'The role on the project; Atelier has one'),
});

export const ProjectUsersResponse = Type.Object({
  users: Type.Array(UserBody, { description: "The project's members by name (labeling team members are not listed)" }),
  links: ListLinks,
});

export const NoContent = Type.Null({ description: 'No Content' });
