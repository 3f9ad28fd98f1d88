import sharp from 'sharp';

// Validation of one image file: what sharp reads of its header, and a look at its last bytes for
// truncation, without decoding the pixels (so it runs at the speed of a metadata read).

/** The formats the operators process, and the extensions each may carry. */
const EXTENSIONS: Record<string, readonly string[]> = {
  jpeg: ['jpg', 'jpeg', 'jpe'],
  png: ['png'],
  webp: ['webp'],
  gif: ['gif'],
  tiff: ['tif', 'tiff'],
};

export const IMAGE_EXTENSIONS = new Set(Object.values(EXTENSIONS).flat());

export interface SizeLimits {
  minWidth: number;
  minHeight: number;
  maxWidth: number;
  maxHeight: number;
}

export interface ImageCheck {
  format?: string;
  width?: number;
  height?: number;
  /** Why the file fails validation; empty when it passes. */
  reasons: string[];
}

export const extensionOf = (key: string): string => {
  const base = key.slice(key.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
};

/** Whether the bytes end where the format says a complete file ends. */
function truncated(format: string, data: Buffer): boolean {
  let end = data.length;
  switch (format) {
    case 'jpeg':
      // some writers pad after the end-of-image marker
      while (end > 2 && data[end - 1] === 0) end--;
      return !(data[end - 2] === 0xff && data[end - 1] === 0xd9);
    case 'png':
      return data.lastIndexOf('IEND', undefined, 'latin1') < data.length - 16;
    case 'gif':
      while (end > 1 && data[end - 1] === 0) end--;
      return data[end - 1] !== 0x3b;
    case 'webp':
      return data.length < 12 || data.readUInt32LE(4) + 8 > data.length;
    default:
      return false;
  }
}

export async function checkImage(key: string, data: Buffer, limits: SizeLimits): Promise<ImageCheck> {
  if (data.length === 0) return { reasons: ['empty file'] };
  let meta: sharp.Metadata;
  try {
    meta = await sharp(data).metadata();
  } catch (e) {
    return { reasons: [`corrupt: not a readable image (${e instanceof Error ? e.message : String(e)})`] };
  }
  const format = meta.format;
  const reasons: string[] = [];
  const allowed = EXTENSIONS[format];
  if (!allowed) {
    reasons.push(`unsupported format ${format}`);
  } else {
    const ext = extensionOf(key);
    if (!allowed.includes(ext)) reasons.push(`wrong extension: .${ext || '(none)'} for a ${format} image`);
    if (truncated(format, data)) reasons.push(`truncated: the ${format} data ends early`);
  }
  const { width, height } = meta;
  if (width === undefined || height === undefined) {
    reasons.push('corrupt: no image size');
  } else {
    if (width < limits.minWidth || height < limits.minHeight) reasons.push(`too small: ${width}x${height}, under ${limits.minWidth}x${limits.minHeight}`);
    if (width > limits.maxWidth || height > limits.maxHeight) reasons.push(`too large: ${width}x${height}, over ${limits.maxWidth}x${limits.maxHeight}`);
  }
  return { format, ...(width !== undefined ? { width } : {}), ...(height !== undefined ? { height } : {}), reasons };
}
