import { Type } from 'typebox';

export const OsUserConfigResponse = Type.Object({
  networkCidrs: Type.Array(Type.String()),
  networkQuota: Type.Integer(),
  poolQuota: Type.Integer(),
  pooHighAvailable: Type.Boolean({ description: 'Spelled as in the spec' }),
});

export const QuotaResource = Type.Object({
  type: Type.String(),
  quota: Type.Integer(),
  used: Type.Integer(),
});

export const OsQuotaResponse = Type.Object({
  quotas: Type.Object({ resources: Type.Array(QuotaResource) }),
});
