export type ObjectStoreConfig =
  | { kind: 'fs'; root: string }
  | {
      kind: 's3';
      endpoint?: string | undefined;
      region: string;
      accessKeyId?: string | undefined;
      secretAccessKey?: string | undefined;
      forcePathStyle: boolean;
      /** Atelier bucket name -> real bucket name; a name not listed maps to itself. */
      bucketMap: Record<string, string>;
    };
