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
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.manifest': 'application/json',
  '.xml': 'application/xml',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.mp4': 'video/mp4',
  '.avi': 'video/x-msvideo',
  '.py': 'text/x-python',
  '.onnx': 'application/octet-stream',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.log': 'text/plain',
};

/** A content type from the key's extension; application/octet-stream when unknown. */
export function contentTypeOf(key: string): string {
  return byExtension[extname(key).toLowerCase()] ?? 'application/octet-stream';
}
