// The pool-tags family's table: the tags of each dedicated resource pool (#163-167).

export interface PoolTagRow {
  /** The pool's id (metadata.name). */
  pool_name: string;
  project_id: string;
  key: string;
  value: string;
  /** Where the key comes among the pool's tags: set first, listed first. */
  position: number;
  /** When the key was first set on the pool (epoch ms). */
  created_at: number;
}

export interface PoolTagTables {
  pool_tags: PoolTagRow;
}
