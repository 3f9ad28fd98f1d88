import type { Static } from 'typebox';
import type { Config } from '#src/config.ts';
import type { QuotaUsage } from '#src/core/quota-usage.ts';
import type { OsQuotaResponse, OsUserConfigResponse } from './schemas.ts';

/** The installation's OS configuration and quotas, from the config and real usage. */
export class ResourceConfigService {
  constructor(
    private readonly config: Config,
    private readonly usage: QuotaUsage,
  ) {}

  osUserConfig(): Static<typeof OsUserConfigResponse> {
    // One host (or one cluster without a standby control plane) cannot offer HA pools.
    const highAvailable = false;
    return {
      networkCidrs: this.config.networkCidrs,
      networkQuota: this.config.quotas.network,
      poolQuota: this.config.quotas.pool,
      pooHighAvailable: highAvailable,
      poolHighAvailable: highAvailable,
    };
  }

  async quotas(projectId: string): Promise<Static<typeof OsQuotaResponse>> {
    const limits = this.config.quotas;
    const resources = await Promise.all(
      (Object.keys(limits) as Array<keyof typeof limits>).map(async (type) => ({
        type,
        quota: limits[type],
        used: await this.usage.used(type, projectId),
      })),
    );
    return { quotas: { resources } };
  }
}
