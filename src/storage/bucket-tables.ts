/** A bucket with a recorded owner: claimed by its first writer, or created with `atelier bucket create`. */
export interface BucketRow {
  /** The API bucket name (on the s3 backend, before the bucket map). */
  name: string;
  owner_domain_id: string;
  created_at: number;
}

/** Another account that may use the bucket (read and write), given with `atelier bucket grant`. */
export interface BucketGrantRow {
  bucket: string;
  domain_id: string;
  created_at: number;
}

export interface BucketTables {
  buckets: BucketRow;
  bucket_grants: BucketGrantRow;
}
