import { Type } from 'typebox';

const NamedDomain = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) });

export const TokenRequest = Type.Object({
  auth: Type.Object({
    identity: Type.Object({
      methods: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 8 }),
      password: Type.Object({
        user: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 64 }),
          password: Type.String({ minLength: 1, maxLength: 256 }),
          domain: NamedDomain,
        }),
      }),
    }),
    scope: Type.Object({
      project: Type.Object({
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      }),
    }),
  }),
});

const Ref = Type.Object({ id: Type.String(), name: Type.String() });

export const TokenResponse = Type.Object({
  token: Type.Object({
    methods: Type.Array(Type.String()),
    expires_at: Type.String(),
    issued_at: Type.String(),
    user: Type.Object({ id: Type.String(), name: Type.String(), domain: Ref }),
    project: Type.Object({ id: Type.String(), name: Type.String(), domain: Ref }),
    roles: Type.Array(Ref),
    catalog: Type.Array(Type.Object({})),
  }),
});
