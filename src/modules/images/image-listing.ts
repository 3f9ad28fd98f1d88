// Filters, sort and paging of ListImage and ListImageGroup, over the built-in images and the
// project's own together.
import { imageErrors } from './errors.ts';
import type { ImageDetail, ImageGroup, ListImageQuery } from './schemas.ts';

const IMAGE_SORT = ['create_at', 'update_at', 'name', 'tag', 'type', 'status', 'size', 'namespace'] as const;
const GROUP_SORT = ['create_at', 'update_at', 'name', 'namespace', 'version_count'] as const;

export function matches(image: ImageDetail, q: ListImageQuery): boolean {
  if (q.type && image.type !== q.type) return false;
  if (q.namespace !== undefined && image.namespace !== q.namespace) return false;
  if (q.service_type && image.service_type !== q.service_type) return false;
  if (q.workspace_id !== undefined && image.workspace_id !== q.workspace_id) return false;
  if (q.name !== undefined && q.name !== '') {
    const fuzzy = q.name_fuzzy_match ?? true;
    if (fuzzy ? !image.name.toLowerCase().includes(q.name.toLowerCase()) : image.name !== q.name) return false;
  }
  return true;
}

function sortKeys<K extends string>(text: string | undefined, allowed: readonly K[], fallback: K): K[] {
  if (text === undefined || text.trim() === '') return [fallback];
  return text.split(',').map((k) => {
    const key = k.trim();
    if (!(allowed as readonly string[]).includes(key)) throw imageErrors.sortField(key);
    return key as K;
  });
}

function sorted<T extends Record<K, string | number>, K extends string>(items: T[], keys: K[], dir: 'ASC' | 'DESC', tie: (t: T) => string): T[] {
  const sign = dir === 'ASC' ? 1 : -1;
  return [...items].sort((a, b) => {
    for (const k of keys) {
      const x = a[k];
      const y = b[k];
      if (x !== y) return (x < y ? -1 : 1) * sign;
    }
    return tie(a) < tie(b) ? -sign : tie(a) > tie(b) ? sign : 0;
  });
}

function page<T>(items: T[], q: ListImageQuery) {
  const limit = q.limit ?? 200;
  const offset = q.offset ?? 0;
  const data = items.slice(offset, offset + limit);
  return { current: Math.floor(offset / limit) + 1, pages: Math.ceil(items.length / limit), size: data.length, total: items.length, data };
}

export function imagePage(images: ImageDetail[], q: ListImageQuery) {
  const keys = sortKeys(q.sort_key, IMAGE_SORT, 'create_at');
  return page(
    sorted(
      images.filter((i) => matches(i, q)),
      keys,
      q.sort_dir ?? 'DESC',
      (i) => i.id,
    ),
    q,
  );
}

/** Images grouped by name and organization: the oldest creation, the latest update, how many. */
export function groupPage(images: ImageDetail[], q: ListImageQuery) {
  const keys = sortKeys(q.sort_key, GROUP_SORT, 'update_at');
  const groups = new Map<string, ImageGroup>();
  for (const i of images.filter((i) => matches(i, { ...q, type: q.type ?? 'DEDICATED' }))) {
    const key = `${i.namespace}/${i.name}`;
    const g = groups.get(key);
    if (!g) groups.set(key, { name: i.name, namespace: i.namespace, create_at: i.create_at, update_at: i.update_at, version_count: 1 });
    else {
      g.create_at = Math.min(g.create_at, i.create_at);
      g.update_at = Math.max(g.update_at, i.update_at);
      g.version_count += 1;
    }
  }
  return page(
    sorted([...groups.values()], keys, q.sort_dir ?? 'DESC', (g) => `${g.namespace}/${g.name}`),
    q,
  );
}
