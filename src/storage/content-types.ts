import { extname } from 'node:path';

const byExtension: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.bmp': 'image/bmp',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain',
  '.log': 'text/plain',
  '.md': 'text/markdown',
  '.csv': 'text/csv',
  '.tsv': 'text/tab-separated-values',
  '.html': 'text/html',
  '.json': 'application/json',
  '.manifest': 'application/json',
  '.jsonl': 'application/x-ndjson',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.xml': 'application/xml',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.mp4': 'video/mp4',
  '.avi': 'video/x-msvideo',
  '.py': 'text/x-python',
  '.sh': 'application/x-sh',
  '.ipynb': 'application/x-ipynb+json',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.tar': 'application/x-tar',
  '.gz': 'application/gzip',
  '.tgz': 'application/gzip',
};

/** The content type folder markers carry in both backends. */
export const FOLDER_CONTENT_TYPE = 'application/x-directory';

/** A content type from the key's extension; application/octet-stream when unknown. */
export function contentTypeOf(key: string): string {
  if (key.endsWith('/')) return FOLDER_CONTENT_TYPE;
  return byExtension[extname(key).toLowerCase()] ?? 'application/octet-stream';
}
