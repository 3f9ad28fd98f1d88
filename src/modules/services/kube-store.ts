// How a service's pods reach the object store they stage the model from: the S3 endpoint and key, and the real bucket
// behind an API bucket name. A local fs store gives no credential: no pod can reach it.
// TODO(svc): the training executor's storeCredential/realBucketOf say the same; use them once they are exported.
import type { Config } from '#src/config.ts';
import type { StoreCredential } from '#src/runtime/kubernetes/training-job-staging.ts';

export function clusterStore(config: Config): { credential: StoreCredential | undefined; realBucket: (bucket: string) => string } {
  const s = config.objectStore;
  if (s.kind !== 's3') return { credential: undefined, realBucket: (b) => b };
  const credential =
    s.accessKeyId && s.secretAccessKey
      ? {
          endpoint: s.endpoint ?? `https://s3.${s.region}.amazonaws.com`,
          region: s.region,
          accessKeyId: s.accessKeyId,
          secretAccessKey: s.secretAccessKey,
          pathStyle: s.forcePathStyle,
        }
      : undefined;
  return { credential, realBucket: (b) => s.bucketMap[b] ?? b };
}
