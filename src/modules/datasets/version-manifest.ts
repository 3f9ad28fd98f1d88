// A version's samples as manifest lines, with the formats library's line model. Shape labels (object
// detection, video) go to one PASCAL VOC file per sample, referenced by annotation-loc, as the
// publishing guide lays them out (`<version>/annotation/<file>.xml`).
import { fileNameOf, folderOf, sampleToVoc, SHAPE_KEY, snapshotToManifestLine, writeVoc } from '#src/formats/index.ts';
import type { ManifestSample } from '#src/formats/index.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { formatObsPath, parseObsPath, type ObjectPath } from '#src/storage/obs-path.ts';
import type { SnapshotSample } from '#src/formats/sample-records.ts';

export interface ManifestOptions {
  /** Leave hard-example marks out (clear_hard_property). */
  clearHard: boolean;
  /** Where the VOC files of samples with shape labels go. */
  vocFolder: ObjectPath;
}

const hasShapes = (s: SnapshotSample): boolean => s.labels.some((l) => (l.type === 1 || l.type === 600) && l.property?.[SHAPE_KEY] !== undefined);

const hasHardMarks = (m: ManifestSample): boolean =>
  m.hard !== undefined ||
  m['hard-coefficient'] !== undefined ||
  (m.annotation?.some((a) => a.hard !== undefined || a['hard-coefficient'] !== undefined) ?? false);

function withoutHard(m: ManifestSample): ManifestSample {
  if (!hasHardMarks(m)) return m;
  const { hard: _h, 'hard-coefficient': _c, ...rest } = m;
  if (rest.annotation) rest.annotation = rest.annotation.map(({ hard: _ah, 'hard-coefficient': _ac, ...a }) => a);
  return rest;
}

/** The VOC file of a sample's shape labels; its path for annotation-loc. */
async function writeSampleVoc(store: ObjectStore, s: SnapshotSample, folder: ObjectPath): Promise<string> {
  const key = /^(obs|s3):\/\/|^\//.test(s.source) ? parseObsPath(s.source, 'sample source').key : '';
  const parent = folderOf(key).replace(/\/$/, '');
  const voc = sampleToVoc(fileNameOf(key), parent.slice(parent.lastIndexOf('/') + 1), s.labels, s.metadata);
  // Named by sample id: two files of one name in different folders must not share a label file.
  const vocKey = `${folder.key}${s.id}.xml`;
  await store.put(folder.bucket, vocKey, writeVoc(voc), { contentType: 'application/xml' });
  return formatObsPath(folder.bucket, vocKey);
}

/** Bytes handed on at once: the lines are encoded straight into blocks of this size. */
const BLOCK_BYTES = 256 * 1024;

/**
 * The manifest, one line (with its newline) per sample in the samples' order, as blocks of whole
 * lines (UTF-8): written straight into a buffer, no joined strings to flatten and encode again.
 */
export async function* manifestBlocks(
  store: ObjectStore,
  samples: AsyncIterable<SnapshotSample>,
  opts: ManifestOptions,
  signal: AbortSignal,
): AsyncGenerator<Buffer> {
  let n = 0;
  let block = Buffer.allocUnsafe(BLOCK_BYTES);
  let used = 0;
  for await (const s of samples) {
    if (++n % 1000 === 0) signal.throwIfAborted();
    const annotationLoc = hasShapes(s) ? await writeSampleVoc(store, s, opts.vocFolder) : undefined;
    const line = snapshotToManifestLine(s, annotationLoc ? { annotationLoc } : {});
    const text = `${JSON.stringify(opts.clearHard ? withoutHard(line) : line)}\n`;
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit.
    if (used + text.length * 3 > block.length) {
      if (used > 0) yield block.subarray(0, used);
      block = Buffer.allocUnsafe(Math.max(BLOCK_BYTES, text.length * 3));
      used = 0;
    }
    used += block.write(text, used);
  }
  if (used > 0) yield block.subarray(0, used);
}
