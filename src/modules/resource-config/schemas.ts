import { Type } from 'typebox';

export const OsUserConfigResponse = Type.Object({
  networkCidrs: Type.Array(Type.String()),
  networkQuota: Type.Integer(),
  poolQuota: Type.Integer(),
  // The spec spells it pooHighAvailable; the official SDKs read poolHighAvailable. Both are sent.
  pooHighAvailable: Type.Boolean({ description: 'Whether HA pools can be created here (spelled as in the spec)' }),
  poolHighAvailable: Type.Boolean({ description: 'The same, spelled as the official SDKs read it' }),
});

export const QuotaResource = Type.Object({
  type: Type.String(),
  quota: Type.Integer(),
  used: Type.Integer(),
});

export const OsQuotaResponse = Type.Object({
  quotas: Type.Object({ resources: Type.Array(QuotaResource) }),
});
