import { Type } from 'typebox';

const NamedDomain = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 64, description: 'Account (domain) name' }) },
  { description: "The user's account (domain)" },
);

export const TokenRequest = Type.Object({
  auth: Type.Object(
    {
      identity: Type.Object(
        {
          methods: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 8, description: 'Login methods; must include "password"' }),
          password: Type.Object(
            {
              user: Type.Object(
                {
                  name: Type.String({ minLength: 1, maxLength: 64, description: 'User name' }),
                  password: Type.String({ minLength: 1, maxLength: 256, description: 'Password' }),
                  domain: NamedDomain,
                },
                { description: 'Who logs in' },
              ),
            },
            { description: 'Password credentials' },
          ),
        },
        { description: 'How the user proves who they are' },
      ),
      scope: Type.Object(
        {
          project: Type.Object(
            {
              name: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Project name (give name or id)' })),
              id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Project ID (give name or id)' })),
            },
            { description: 'The project the token acts in; the user must be a member' },
          ),
        },
        { description: 'What the token is for' },
      ),
    },
    { description: 'Password login scoped to a project' },
  ),
});

const DomainRef = (description: string) =>
  Type.Object({ id: Type.String({ description: 'Account (domain) ID' }), name: Type.String({ description: 'Account (domain) name' }) }, { description });

export const TokenResponse = Type.Object({
  token: Type.Object(
    {
      methods: Type.Array(Type.String(), { description: 'Always ["password"]' }),
      expires_at: Type.String({ description: 'When the token expires, ISO 8601 UTC (lifetime --token-ttl, default 24 hours)' }),
      issued_at: Type.String({ description: 'When the token was issued, ISO 8601 UTC' }),
      user: Type.Object(
        {
          id: Type.String({ description: 'User ID' }),
          name: Type.String({ description: 'User name' }),
          domain: DomainRef("The user's account (domain)"),
        },
        { description: 'Who the token is for' },
      ),
      project: Type.Object(
        {
          id: Type.String({ description: 'Project ID' }),
          name: Type.String({ description: 'Project name' }),
          domain: DomainRef("The project's account (domain)"),
        },
        { description: 'The project the token acts in' },
      ),
      roles: Type.Array(
        Type.Object({
          id: Type.String({ description: "The user's role in Atelier: admin, user, or worker (a labeling team member, limited to the worker APIs)" }),
          name: Type.String({ description: 'te_admin for an admin, te_agency otherwise' }),
        }),
        { description: "The user's one role" },
      ),
      catalog: Type.Array(Type.Object({}), { description: 'Always empty: no service catalog is served' }),
    },
    { description: 'What the token grants; the token itself is in the X-Subject-Token header' },
  ),
});

const SelfLink = (description: string) => Type.Object({ self: Type.String({ description: 'The URL of this resource' }) }, { description });

export const AuthProjectsResponse = Type.Object({
  projects: Type.Array(
    Type.Object({
      id: Type.String({ description: 'Project ID' }),
      name: Type.String({ description: 'Project name' }),
      domain_id: Type.String({ description: "The project's account (domain) ID" }),
      description: Type.String({ description: 'Always empty: Atelier projects carry no description' }),
      enabled: Type.Boolean({ description: 'Always true: a project that exists can be used' }),
      is_domain: Type.Boolean({ description: 'Always false: a project here is never itself an account' }),
      parent_id: Type.String({ description: "The project's parent, which is its account (domain) ID" }),
      links: SelfLink('Where the project is'),
    }),
    { description: "The projects the caller's user is a member of, by name; a labeling team member's identity sees only the project of its token" },
  ),
  links: Type.Object(
    {
      self: Type.String({ description: 'The URL of this list' }),
      previous: Type.Union([Type.String(), Type.Null()], { description: 'Always null: the list comes in one page' }),
      next: Type.Union([Type.String(), Type.Null()], { description: 'Always null: the list comes in one page' }),
    },
    { description: 'Links of the list' },
  ),
});
