import { Type, type Static } from 'typebox';
import { StringCodes } from '#src/core/schemas.ts';
import { PageLimit, PageOffset } from '#src/core/request-bounds.ts';

export const AuthorizationTypes = ['agency', 'credential'] as const;

const AuthorizationType = (lead: string) =>
  StringCodes(AuthorizationTypes, { agency: 'an agency made with CreateModelArtsAgency', credential: "an access key (AK/SK) of the user's own" }, lead);

export const CreateAuthorizationRequest = Type.Object({
  user_id: Type.Optional(
    Type.String({
      maxLength: 64,
      description: 'User ID, or "all" for every user of the account (agency only); required for agency, the caller by default for credential',
    }),
  ),
  type: Type.Optional(AuthorizationType('What ModelArts acts through (default agency)')),
  content: Type.String({ maxLength: 256, description: 'Agency name (the agency must exist), or the AK for credential' }),
  secret_key: Type.Optional(Type.String({ maxLength: 256, description: 'SK, for credential only' })),
  user_name: Type.Optional(Type.String({ maxLength: 64, description: "Accepted and ignored: the name is taken from the user's record" })),
});
export type CreateAuthorizationRequest = Static<typeof CreateAuthorizationRequest>;

export const AuthorizationResponse = Type.Object({
  user_id: Type.String({ description: 'ID of the user authorized' }),
  type: AuthorizationType('What ModelArts acts through'),
  content: Type.String({ description: 'Agency name, or the AK for credential' }),
  secret_key: Type.Optional(Type.String({ description: 'Masked; the SK itself is never returned' })),
  user_name: Type.String({ description: 'Name of the user authorized' }),
  create_time: Type.Integer({ description: 'When it was last configured, ms since epoch' }),
});
export type AuthorizationResponse = Static<typeof AuthorizationResponse>;

export const ListAuthorizationsQuery = Type.Object({
  sort_by: Type.Optional(StringCodes(['user_name', 'create_time'] as const, { user_name: 'user name', create_time: 'time configured (default)' }, 'Sort key')),
  order: Type.Optional(StringCodes(['asc', 'desc'] as const, { asc: 'ascending', desc: 'descending (default)' }, 'Sort order')),
  limit: PageLimit(1000, 1000),
  // The spec: "start page".
  offset: PageOffset,
});
export type ListAuthorizationsQuery = Static<typeof ListAuthorizationsQuery>;

export const ListAuthorizationsResponse = Type.Object({
  total_count: Type.Integer({ description: 'Authorizations of the project, on all pages' }),
  auth: Type.Array(AuthorizationResponse, { description: 'This page of authorizations, one per user' }),
});

export const DeleteAuthorizationsQuery = Type.Object({
  user_id: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'User ID, or "all" for every authorization of the project (default: the caller)' }),
  ),
});

export const CreateAgencyRequest = Type.Object({
  agency_name_suffix: Type.Optional(
    Type.String({ maxLength: 50, pattern: '^[A-Za-z0-9_.-]*$', description: 'Suffix after "ma_agency_"; absent or empty: the agency is modelarts_agency' }),
  ),
});

export const CreateAgencyResponse = Type.Object({
  agency_name: Type.String({ description: 'Name of the agency, ma_agency_<suffix> or modelarts_agency; one that exists already is kept' }),
});
