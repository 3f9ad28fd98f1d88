// Names and paths of samples, shared by the readers and writers: file names and stems of keys, and
// the two forms of a sample source (an object, or inline text with `content://`).
import { formatObsPath, parseObsPath, type ObjectPath } from '#src/storage/obs-path.ts';

/** Inline text sources (text datasets): `content://<the text>`. */
export const CONTENT_SCHEME = 'content://';

/** The last segment of a key: `a/b/c.jpg` -> `c.jpg`. */
export function fileNameOf(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/** The file name without its last extension: `c.tar.gz` -> `c.tar`; `.hidden` stays whole. */
export function stemOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** The lower-case last extension with its dot ('' when none): `C.JPG` -> `.jpg`. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/** The folder part of a key, with its trailing '/' ('' at the bucket root). */
export function folderOf(key: string): string {
  return key.slice(0, key.lastIndexOf('/') + 1);
}

/** A folder key as a list prefix: '' stays '', anything else ends with '/'. */
export function asFolderKey(key: string): string {
  return key === '' || key.endsWith('/') ? key : `${key}/`;
}

export type SampleSource = { kind: 'object'; path: ObjectPath } | { kind: 'content'; text: string };

/**
 * A source as manifests and the API write it: `s3://b/k`, `obs://b/k`, `/b/k` or `content://text`.
 * Object paths are checked (a 400 naming `field` for `..`, NUL, a bad bucket).
 */
export function parseSampleSource(source: string, field: string): SampleSource {
  if (source.startsWith(CONTENT_SCHEME)) return { kind: 'content', text: source.slice(CONTENT_SCHEME.length) };
  return { kind: 'object', path: parseObsPath(source, field) };
}

/** The API form of a source: `/bucket/key`, or `content://...` unchanged. */
export function apiSource(source: SampleSource): string {
  return source.kind === 'content' ? `${CONTENT_SCHEME}${source.text}` : formatObsPath(source.path);
}

export type SourceScheme = 's3://' | 'obs://';

/** The manifest form of an API source: `/b/k` -> `s3://b/k` (or `obs://b/k`); others unchanged. */
export function manifestSource(apiForm: string, scheme: SourceScheme = 's3://'): string {
  return apiForm.startsWith('/') ? `${scheme}${apiForm.slice(1)}` : apiForm;
}

/** A label name as one safe key segment: separators, control characters and dot-only names replaced. */
export function safeSegment(name: string): string {
  // eslint-disable-next-line no-control-regex
  const s = name.replace(/[/\\\u0000-\u001f\u007f]/g, '_').trim();
  return s === '' || /^\.+$/.test(s) ? '_' : s;
}

/**
 * Hands out file names unique within their folder, by stem (so `a.jpg` and its `a.txt` or `a.xml`
 * stay paired): a second `a.png` in the same folder becomes `a_1.png`. Remembers every stem given
 * out, so it is for one export's worth of names.
 */
export class UniqueNames {
  private readonly used = new Map<string, Set<string>>();

  /** A stem for `name` in `folder` not handed out before; returns the new file name. */
  claim(folder: string, name: string): string {
    const stem = stemOf(name);
    const ext = name.slice(stem.length);
    let set = this.used.get(folder);
    if (!set) {
      set = new Set();
      this.used.set(folder, set);
    }
    let candidate = stem;
    for (let i = 1; set.has(candidate.toLowerCase()); i++) candidate = `${stem}_${i}`;
    set.add(candidate.toLowerCase());
    return `${candidate}${ext}`;
  }
}
