import { Type, type Static } from 'typebox';
import { StringEnum } from '#src/core/schemas.ts';
import { PageLimit, PageOffset } from '#src/core/request-bounds.ts';

export const AuthorizationTypes = ['agency', 'credential'] as const;

export const CreateAuthorizationRequest = Type.Object({
  user_id: Type.Optional(Type.String({ maxLength: 64, description: 'User ID, or "all" for every IAM user' })),
  type: Type.Optional(StringEnum(AuthorizationTypes, { description: 'agency or credential (AK/SK)' })),
  content: Type.String({ maxLength: 256, description: 'Agency name, or the AK for credential' }),
  secret_key: Type.Optional(Type.String({ maxLength: 256, description: 'SK, for credential only' })),
  user_name: Type.Optional(Type.String({ maxLength: 64 })),
});
export type CreateAuthorizationRequest = Static<typeof CreateAuthorizationRequest>;

export const AuthorizationResponse = Type.Object({
  user_id: Type.String(),
  type: StringEnum(AuthorizationTypes),
  content: Type.String(),
  secret_key: Type.Optional(Type.String({ description: 'Masked; the SK itself is never returned' })),
  user_name: Type.String(),
  create_time: Type.Integer({ description: 'Epoch milliseconds' }),
});
export type AuthorizationResponse = Static<typeof AuthorizationResponse>;

export const ListAuthorizationsQuery = Type.Object({
  sort_by: Type.Optional(StringEnum(['user_name', 'create_time'] as const)),
  order: Type.Optional(StringEnum(['asc', 'desc'] as const)),
  limit: PageLimit(1000, 1000),
  // The spec: "start page".
  offset: PageOffset,
});
export type ListAuthorizationsQuery = Static<typeof ListAuthorizationsQuery>;

export const ListAuthorizationsResponse = Type.Object({
  total_count: Type.Integer(),
  auth: Type.Array(AuthorizationResponse),
});

export const DeleteAuthorizationsQuery = Type.Object({
  user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'User ID, or "all"' })),
});

export const CreateAgencyRequest = Type.Object({
  agency_name_suffix: Type.Optional(Type.String({ maxLength: 50, pattern: '^[A-Za-z0-9_.-]*$', description: 'Suffix after "ma_agency_"' })),
});

export const CreateAgencyResponse = Type.Object({ agency_name: Type.String() });
