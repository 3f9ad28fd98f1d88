// Manifests: read line by line from the object store, turned into samples, and written back from the
// frozen samples of a version, streamed both ways.
import { Readable } from 'node:stream';
import type { DatasetTypeInfo } from './dataset-types.ts';
import type { NewSample, SampleLabel, SnapshotSample } from './sample-records.ts';
import type { ObjectInfo, ObjectStat, ObjectStore } from '#src/storage/object-store.ts';
import { formatObsPath, type ObjectPath } from '#src/storage/obs-path.ts';
import { FormatError, type FormatLocation } from './format-error.ts';
import { ANNOTATION_TYPES, annotationTypeOf, parseManifestLine, type ManifestAnnotation, type ManifestSample } from './manifest-model.ts';
import { fileNameOf, manifestSource, parseSampleSource, type SourceScheme } from './sample-paths.ts';
import { readLines } from './text-lines.ts';
import { readVoc } from './voc.ts';
import { HARD_COEFFICIENT_KEY, SIZE_KEY, vocToSampleParts } from './voc-labels.ts';

export * from './manifest-model.ts';

export const HARD_KEY = '@modelarts:hard';
/** Set by the importer on every sample; not written into manifests. */
export const IMPORT_ORIGIN_KEY = '@modelarts:import_origin';

export interface ManifestEntry {
  /** 1-based line number in the manifest. */
  line: number;
  sample: ManifestSample;
}

export interface ReadManifestOptions {
  signal?: AbortSignal;
  /** Called with each bad line's FormatError, which is then skipped; without it the first one is thrown. */
  onError?: (e: FormatError) => void;
}

/** The lines of a manifest with their numbers, streamed; blank lines skipped. Throws ObjectNotFoundError when missing. */
export async function* readManifestEntries(store: ObjectStore, path: ObjectPath, opts: ReadManifestOptions = {}): AsyncGenerator<ManifestEntry> {
  const file = formatObsPath(path);
  for await (const { line, text } of readLines(store, path, { signal: opts.signal })) {
    if (text.trim() === '') continue;
    try {
      yield { line, sample: parseManifestLine(text, { file, line }) };
    } catch (e) {
      if (!(e instanceof FormatError) || !opts.onError) throw e;
      opts.onError(e);
    }
  }
}

/** The samples of a manifest, streamed line by line (see readManifestEntries). */
export async function* readManifest(store: ObjectStore, path: ObjectPath, opts: ReadManifestOptions = {}): AsyncGenerator<ManifestSample> {
  for await (const { sample } of readManifestEntries(store, path, opts)) yield sample;
}

/** The label type of an annotation in a dataset of type `info`, or undefined when the dataset cannot hold it. */
export function labelTypeFor(annotationType: keyof typeof ANNOTATION_TYPES, info: DatasetTypeInfo): number | undefined {
  let type: number = ANNOTATION_TYPES[annotationType];
  // Triplet datasets hold entities as 103; video datasets hold their frame boxes as 600.
  if (annotationType === 'text_entity' && info.type === 102) type = 103;
  if (annotationType === 'object_detection' && info.type === 600) type = 600;
  return (info.labelTypes as readonly number[]).includes(type) ? type : undefined;
}

const TYPE_NAMES = new Map<number, string>([
  ...Object.entries(ANNOTATION_TYPES).map(([name, type]): [number, string] => [type, `modelarts/${name}`]),
  [103, 'modelarts/text_entity'],
  [600, 'modelarts/object_detection'],
]);

/** The manifest annotation type of a label type (the `modelarts/` form ModelArts writes). */
export function annotationTypeName(labelType: number): string {
  const name = TYPE_NAMES.get(labelType);
  if (!name) throw new Error(`no manifest annotation type for label type ${labelType}`);
  return name;
}

export interface ManifestToSampleOptions {
  /** Keep the labels (default true); false: the sample alone. */
  importAnnotations?: boolean;
  /** Where the line came from, for errors. */
  at?: FormatLocation;
  /** epoch ms: the sample time of `content://` samples (no file to date them). */
  now: number;
  /**
   * The source file's size and time when the caller looked them up already (statMany for a batch of
   * lines); null: it does not exist. Absent: looked up here with head.
   */
  stat?: ObjectStat | null;
}

function inlineLabel(a: ManifestAnnotation, type: number): SampleLabel {
  const label: SampleLabel = { name: a.name ?? '', type, annotated_by: a['annotated-by'] ?? 'human' };
  if (a.id !== undefined) label.id = a.id;
  const property: Record<string, unknown> = { ...(a.property ?? {}) };
  if (a.hard !== undefined) property[HARD_KEY] = String(a.hard);
  if (a['hard-coefficient'] !== undefined) property[HARD_COEFFICIENT_KEY] = String(a['hard-coefficient']);
  if (Object.keys(property).length > 0) label.property = property;
  if (a.confidence !== undefined) label.score = a.confidence;
  return label;
}

/**
 * A manifest line as a sample of a dataset of type `info`. Object sources must exist (their size and
 * time come from the store); `annotation-loc` files are read as PASCAL VOC. A FormatError names the
 * line and field for a missing file or an annotation the dataset type cannot hold. Datasets without
 * label types (table, free format) take the sample without its annotations.
 */
export async function manifestToNewSample(store: ObjectStore, m: ManifestSample, info: DatasetTypeInfo, opts: ManifestToSampleOptions): Promise<NewSample> {
  const at = opts.at ?? {};
  let source: ReturnType<typeof parseSampleSource>;
  try {
    source = parseSampleSource(m.source, 'source');
  } catch (e) {
    throw new FormatError({ ...at, field: 'source' }, e instanceof Error ? e.message : String(e));
  }
  let sample: NewSample;
  if (source.kind === 'content') {
    sample = { source: m.source, name: at.file ? fileNameOf(at.file) : '', size: Buffer.byteLength(source.text, 'utf8'), sampleTime: opts.now };
  } else {
    const head: ObjectStat | null = opts.stat !== undefined ? opts.stat : await store.head(source.path.bucket, source.path.key);
    if (!head) throw new FormatError({ ...at, field: 'source' }, `${formatObsPath(source.path)} does not exist`);
    sample = { source: formatObsPath(source.path), name: fileNameOf(source.path.key), size: head.size, sampleTime: head.lastModified.getTime() };
  }
  if (m.usage) sample.usage = m.usage;
  const metadata: Record<string, unknown> = { ...(m.property ?? {}) };
  if (m.hard !== undefined) metadata[HARD_KEY] = m.hard ? 1 : 0;
  if (m['hard-coefficient'] !== undefined) metadata[HARD_COEFFICIENT_KEY] = m['hard-coefficient'];

  const labels: SampleLabel[] = [];
  if ((opts.importAnnotations ?? true) && info.labelTypes.length > 0) {
    for (const [i, a] of (m.annotation ?? []).entries()) {
      const field = `annotation[${i}].type`;
      const kind = annotationTypeOf(a.type);
      const type = kind === undefined ? undefined : labelTypeFor(kind, info);
      if (type === undefined) throw new FormatError({ ...at, field }, `"${a.type}" labels do not fit a ${info.tags.join(' / ')} dataset`);
      const loc = a['annotation-loc'];
      if (loc !== undefined && (kind === 'object_detection' || kind === 'image_segmentation')) {
        let path: ObjectPath;
        try {
          const parsed = parseSampleSource(loc, 'annotation-loc');
          if (parsed.kind !== 'object') throw new Error('must be an object path');
          path = parsed.path;
        } catch (e) {
          throw new FormatError({ ...at, field: `annotation[${i}].annotation-loc` }, e instanceof Error ? e.message : String(e));
        }
        const exists = await store.head(path.bucket, path.key);
        if (!exists) throw new FormatError({ ...at, field: `annotation[${i}].annotation-loc` }, `${formatObsPath(path)} does not exist`);
        const parts = vocToSampleParts(await readVoc(store, path), type);
        for (const l of parts.labels) {
          l.annotated_by = a['annotated-by'] ?? 'human';
          labels.push(l);
        }
        Object.assign(metadata, parts.metadata);
      } else {
        labels.push(inlineLabel(a, type));
      }
    }
  }
  if (labels.length > 0) sample.labels = labels;
  if (Object.keys(metadata).length > 0) sample.metadata = metadata;
  return sample;
}

// Formatting a date costs more than the rest of a manifest line, and the samples of a version share
// few labeling times (a batch labels many at once): the strings are kept by second.
const times = new Map<number, string>();
const MAX_TIMES = 4096;

/** `2019-01-23 11:30:30`, the creation-time form of the guide, in UTC. */
export function manifestTime(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  let text = times.get(second);
  if (text === undefined) {
    text = new Date(second * 1000).toISOString().replace('T', ' ').slice(0, 19);
    if (times.size >= MAX_TIMES) times.clear();
    times.set(second, text);
  }
  return text;
}

export interface SnapshotLineOptions {
  /**
   * Where the sample's shape labels were written as PASCAL VOC (`/bucket/key` or `s3://...`): they are
   * then referenced by one object_detection annotation, as ModelArts writes them. Without it every
   * label is written inline with its @modelarts:shape/@modelarts:feature property.
   */
  annotationLoc?: string;
  /**
   * Scheme of object paths in the line (the export API's source_type_header): 's3://' by default, as
   * published manifests have them (training reads s3:// paths).
   */
  sourceScheme?: SourceScheme;
}

function isShapeLabel(l: SampleLabel): boolean {
  return (l.type === 1 || l.type === 600) && l.property?.['@modelarts:shape'] !== undefined;
}

function inlineAnnotation(l: SampleLabel, creationTime: string | undefined): ManifestAnnotation {
  const a: ManifestAnnotation = { type: annotationTypeName(l.type) };
  if (l.name !== '') a.name = l.name;
  if (l.id !== undefined) a.id = l.id;
  const property = { ...(l.property ?? {}) };
  if (property[HARD_KEY] !== undefined) {
    a.hard = String(property[HARD_KEY]) === 'true' || String(property[HARD_KEY]) === '1';
    delete property[HARD_KEY];
  }
  const coefficient = Number(property[HARD_COEFFICIENT_KEY]);
  if (property[HARD_COEFFICIENT_KEY] !== undefined && Number.isFinite(coefficient)) {
    a['hard-coefficient'] = coefficient;
    delete property[HARD_COEFFICIENT_KEY];
  }
  if (Object.keys(property).length > 0) a.property = property;
  a['annotated-by'] = l.annotated_by ?? 'human';
  if (creationTime) a['creation-time'] = creationTime;
  if (l.score !== undefined) a.confidence = l.score;
  return a;
}

/** The manifest line of a frozen sample (see SnapshotLineOptions for shape labels). */
export function snapshotToManifestLine(s: SnapshotSample, opts: SnapshotLineOptions = {}): ManifestSample {
  const m: ManifestSample = { source: manifestSource(s.source, opts.sourceScheme), id: s.id };
  if (s.usage) m.usage = s.usage.toUpperCase() as ManifestSample['usage'];
  m['sample-type'] = s.sampleType;
  const shapes = opts.annotationLoc ? s.labels.filter(isShapeLabel) : [];
  const property: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s.metadata)) {
    if (k === HARD_KEY) m.hard = v === 1 || v === true || v === '1' || v === 'true';
    else if (k === HARD_COEFFICIENT_KEY && Number.isFinite(Number(v))) m['hard-coefficient'] = Number(v);
    // The image size travels in the VOC file when there is one.
    else if (k !== IMPORT_ORIGIN_KEY && !(k === SIZE_KEY && shapes.length > 0)) property[k] = v;
  }
  if (Object.keys(property).length > 0) m.property = property;
  const creationTime = s.labeledTime > 0 ? manifestTime(s.labeledTime) : undefined;
  const annotation: ManifestAnnotation[] = [];
  if (shapes.length > 0) {
    const a: ManifestAnnotation = {
      type: annotationTypeName(1),
      'annotation-loc': manifestSource(opts.annotationLoc!, opts.sourceScheme),
      'annotation-format': 'PASCAL VOC',
    };
    a['annotated-by'] = shapes[0]!.annotated_by ?? 'human';
    if (creationTime) a['creation-time'] = creationTime;
    annotation.push(a);
  }
  for (const l of s.labels) if (!shapes.includes(l)) annotation.push(inlineAnnotation(l, creationTime));
  if (annotation.length > 0) m.annotation = annotation;
  return m;
}

/**
 * Writes a manifest (JSON Lines) to `path` from lines or line objects, streamed into the store: the
 * whole file is never held. Returns the stored object's info.
 */
export async function writeManifest(
  store: ObjectStore,
  path: ObjectPath,
  lines: AsyncIterable<string | ManifestSample | Record<string, unknown>>,
): Promise<ObjectInfo> {
  async function* body(): AsyncGenerator<Buffer> {
    for await (const l of lines) {
      const text = typeof l === 'string' ? l : JSON.stringify(l);
      if (text.includes('\n')) throw new FormatError({ file: formatObsPath(path) }, 'a manifest line must not contain a line break');
      yield Buffer.from(`${text}\n`, 'utf8');
    }
  }
  return store.put(path.bucket, path.key, Readable.from(body()), { contentType: 'application/octet-stream' });
}
