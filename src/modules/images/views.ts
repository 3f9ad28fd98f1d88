import type { ImageDetail } from './schemas.ts';
import type { ImageRow } from './tables.ts';

const list = <T extends string>(json: string): T[] => JSON.parse(json) as T[];

/** A stored image as the answers show it. */
export function detailOf(row: ImageRow): ImageDetail {
  const categories = list<ImageDetail['resource_categories'][number]>(row.resource_categories);
  return {
    arch: row.arch as ImageDetail['arch'],
    create_at: Number(row.create_at),
    description: row.description,
    dev_services: list<ImageDetail['dev_services'][number]>(row.dev_services),
    id: row.id,
    name: row.name,
    namespace: row.namespace,
    origin: row.origin as ImageDetail['origin'],
    resource_categories: categories,
    support_res_categories: categories,
    service_type: row.service_type as ImageDetail['service_type'],
    size: Number(row.size_kb),
    status: row.status,
    status_message: row.status_message,
    swr_path: row.swr_path,
    tag: row.tag,
    type: 'DEDICATED',
    update_at: Number(row.update_at),
    visibility: row.visibility as ImageDetail['visibility'],
    workspace_id: row.workspace_id,
  };
}

/** The list item: the detail without support_res_categories. */
export function listItemOf(detail: ImageDetail): Omit<ImageDetail, 'support_res_categories'> {
  const { support_res_categories: _, ...item } = detail;
  return item;
}
