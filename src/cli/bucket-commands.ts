// `atelier bucket ...`: who owns which bucket, and which other accounts may use it.
import type { AppContext } from '#src/context.ts';
import { ConfigError } from '#src/config.ts';
import { BucketError } from '#src/storage/bucket-access.ts';
import { bucketUsage } from './usage.ts';

export interface BucketOptions {
  name?: string | undefined;
  domain?: string | undefined;
  bucket?: string | undefined;
}

function need(opts: BucketOptions, name: keyof BucketOptions): string {
  const v = opts[name];
  if (v === undefined || v === '') throw new ConfigError(`--${name} is required`);
  return v;
}

/** Runs one bucket command; returns what to print. */
export async function bucketCommand(args: readonly string[], opts: BucketOptions, ctx: Pick<AppContext, 'buckets' | 'identity'>): Promise<unknown> {
  const { buckets, identity } = ctx;
  const [verb] = args;
  if (args.length !== 1 || verb === undefined) throw new ConfigError(`usage:\n${bucketUsage}`);
  try {
    switch (verb) {
      case 'create': {
        const domain = await identity.domain(need(opts, 'domain'));
        const name = need(opts, 'name');
        await buckets.create(domain.id, name);
        return { bucket: name, owner: domain.name };
      }
      case 'grant': {
        const domain = await identity.domain(need(opts, 'domain'));
        const bucket = need(opts, 'bucket');
        await buckets.grant(bucket, domain.id);
        return { bucket, granted: domain.name };
      }
      case 'revoke': {
        const domain = await identity.domain(need(opts, 'domain'));
        const bucket = need(opts, 'bucket');
        if (!(await buckets.revoke(bucket, domain.id))) throw new BucketError(`account ${domain.name} has no grant on bucket ${bucket}`);
        return { bucket, revoked: domain.name };
      }
      case 'list':
        return (await buckets.list()).map((b) => ({
          bucket: b.name,
          owner: b.owner_domain,
          created_at: new Date(b.created_at).toISOString(),
          grants: b.grantees.map((g) => g.domain),
        }));
      default:
        throw new ConfigError(`unknown command "bucket ${verb}"\n\n${bucketUsage}`);
    }
  } catch (e) {
    if (e instanceof BucketError) throw new ConfigError(e.message);
    throw e;
  }
}
