import { Type } from 'typebox';

export const OsUserConfigResponse = Type.Object({
  networkCidrs: Type.Array(Type.String(), { description: 'CIDR blocks offered for networks (--network-cidrs; default 192.168.0.0/16 and 172.16.0.0/12)' }),
  networkQuota: Type.Integer({ description: 'Networks a project may create (--network-quota, default 15)' }),
  poolQuota: Type.Integer({ description: 'Resource pools a project may create (--pool-quota, default 15)' }),
  // The spec spells it pooHighAvailable; the official SDKs read poolHighAvailable. Both are sent.
  pooHighAvailable: Type.Boolean({ description: 'Whether HA pools can be created here (spelled as in the spec); always false' }),
  poolHighAvailable: Type.Boolean({ description: 'The same, spelled as the official SDKs read it' }),
});

export const QuotaResource = Type.Object({
  type: Type.String({ description: 'Resource kind: pool or network' }),
  quota: Type.Integer({ description: 'Most a project may have (--pool-quota, --network-quota)' }),
  used: Type.Integer({ description: 'How many the project has: its networks (#143) for network; 0 for pool while no API of Atelier creates pools' }),
});

export const OsQuotaResponse = Type.Object({
  quotas: Type.Object({ resources: Type.Array(QuotaResource, { description: 'One entry per resource kind' }) }, { description: "The project's quotas" }),
});
