// COCO instances (object detection): one JSON document listing the images, the categories and the
// objects, a box as [x, y, width, height] and a polygon as a flat [x1, y1, x2, y2, ...] list. Built from
// and read back into the same sample labels the VOC files carry (bndbox and polygon shapes; other
// shapes have no COCO form and are left out).
import { FormatError } from './format-error.ts';
import type { SampleLabel, SnapshotSample } from './sample-records.ts';
import { FEATURE_KEY, labelToVocObject, SHAPE_KEY, SIZE_KEY } from './voc-labels.ts';

export interface CocoImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
}

export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  bbox: [number, number, number, number];
  area: number;
  iscrowd: 0;
  segmentation: number[][];
  score?: number;
}

export interface CocoDocument {
  images: CocoImage[];
  annotations: CocoAnnotation[];
  categories: { id: number; name: string; supercategory: string }[];
}

/** Gathers the samples of an export into one COCO document. */
export class CocoBuilder {
  private readonly doc: CocoDocument = { images: [], annotations: [], categories: [] };
  private readonly categories = new Map<string, number>();

  /** Adds a sample under `fileName` (its name in the export folder). Returns how many objects it had. */
  add(fileName: string, sample: Pick<SnapshotSample, 'labels' | 'metadata'>): number {
    const size = sample.metadata[SIZE_KEY];
    const [width, height] = Array.isArray(size) ? size.map(Number) : [];
    const image: CocoImage = { id: this.doc.images.length + 1, file_name: fileName, width: width || 0, height: height || 0 };
    this.doc.images.push(image);
    let n = 0;
    for (const label of sample.labels) {
      const o = labelToVocObject(label);
      if (!o || (o.shape !== 'bndbox' && o.shape !== 'polygon')) continue;
      const xs = o.feature.map((p) => p[0]!);
      const ys = o.feature.map((p) => p[1]!);
      const [x, y] = [Math.min(...xs), Math.min(...ys)];
      const [w, h] = [Math.max(...xs) - x, Math.max(...ys) - y];
      const a: CocoAnnotation = {
        id: this.doc.annotations.length + 1,
        image_id: image.id,
        category_id: this.category(o.name),
        bbox: [x, y, w, h],
        area: w * h,
        iscrowd: 0,
        segmentation: o.shape === 'polygon' ? [o.feature.flatMap((p) => [p[0]!, p[1]!])] : [],
      };
      if (o.confidence !== undefined) a.score = o.confidence;
      this.doc.annotations.push(a);
      n++;
    }
    return n;
  }

  toJSON(): string {
    return JSON.stringify(this.doc);
  }

  private category(name: string): number {
    let id = this.categories.get(name);
    if (id === undefined) {
      id = this.categories.size + 1;
      this.categories.set(name, id);
      this.doc.categories.push({ id, name, supercategory: '' });
    }
    return id;
  }
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The labels and sizes of a COCO document, by image file name; `labelType` is the dataset's label
 * type (1, object detection). A document that is not COCO instances is a FormatError naming `file`.
 */
export function readCoco(text: string, file: string, labelType: number): Map<string, { labels: SampleLabel[]; metadata: Record<string, unknown> }> {
  let doc: Partial<CocoDocument>;
  try {
    doc = JSON.parse(text) as Partial<CocoDocument>;
  } catch (e) {
    throw new FormatError({ file }, `not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!Array.isArray(doc.images) || !Array.isArray(doc.annotations) || !Array.isArray(doc.categories)) {
    throw new FormatError({ file }, 'a COCO document needs images, annotations and categories arrays');
  }
  const names = new Map(doc.categories.map((c) => [c.id, c.name]));
  const byImage = new Map<number, { labels: SampleLabel[]; metadata: Record<string, unknown> }>();
  const out = new Map<string, { labels: SampleLabel[]; metadata: Record<string, unknown> }>();
  for (const img of doc.images) {
    if (typeof img?.file_name !== 'string' || !finite(img.id)) throw new FormatError({ file, field: 'images' }, 'an image needs an id and a file_name');
    const parts = { labels: [] as SampleLabel[], metadata: {} as Record<string, unknown> };
    if (finite(img.width) && finite(img.height) && img.width > 0 && img.height > 0) parts.metadata[SIZE_KEY] = [img.width, img.height, 3];
    byImage.set(img.id, parts);
    out.set(img.file_name, parts);
  }
  for (const a of doc.annotations) {
    const parts = byImage.get(a?.image_id);
    const name = names.get(a?.category_id);
    if (!parts || name === undefined || !Array.isArray(a.bbox) || a.bbox.length !== 4 || !a.bbox.every(finite)) {
      throw new FormatError({ file, field: `annotation ${String(a?.id)}` }, 'names no known image or category, or has no [x, y, width, height] bbox');
    }
    const poly = Array.isArray(a.segmentation) ? a.segmentation[0] : undefined;
    const isPolygon = Array.isArray(poly) && poly.length >= 6 && poly.length % 2 === 0 && poly.every(finite);
    const [x, y, w, h] = a.bbox;
    const feature = isPolygon
      ? Array.from({ length: poly.length / 2 }, (_, i) => [poly[2 * i]!, poly[2 * i + 1]!])
      : [
          [x, y],
          [x + w, y + h],
        ];
    const label: SampleLabel = { name, type: labelType, property: { [SHAPE_KEY]: isPolygon ? 'polygon' : 'bndbox', [FEATURE_KEY]: feature } };
    if (finite(a.score)) label.score = a.score;
    parts.labels.push(label);
  }
  return out;
}
