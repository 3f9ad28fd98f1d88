// Stored annotations (label numbers) as the wire's SampleLabel objects (label names and types).
import type { SampleLabel } from '#src/formats/sample-records.ts';
import type { LabelRef, StoredAnnotation } from './sample-model.ts';

/** A SampleLabel that always has its property (the wire shows {} when empty). */
export type ViewLabel = SampleLabel & { property: Record<string, unknown> };

export function annotationsToLabels(annotations: readonly StoredAnnotation[], labels: ReadonlyMap<number, LabelRef>): ViewLabel[] {
  const out: ViewLabel[] = [];
  for (const a of annotations) {
    const l = labels.get(a.label);
    // A label deleted after the copy froze cannot be; a live sample never keeps a deleted label's number.
    if (!l) continue;
    out.push({
      ...(a.id !== undefined ? { id: a.id } : {}),
      name: l.name,
      type: l.type,
      property: a.property ?? {},
      ...(a.score !== undefined ? { score: a.score } : {}),
      ...(a.annotated_by !== undefined ? { annotated_by: a.annotated_by } : {}),
    });
  }
  return out;
}
