// The rules a dataset's label list follows, checked before anything is stored.
import { errors } from '#src/core/errors.ts';
import { labelErrors } from './errors.ts';
import type { DatasetTypeInfo } from '#src/formats/dataset-types.ts';
import type { LabelDefinition } from './samples-port.ts';
import type { Label } from './schemas.ts';

/** The guide: letters, digits, "_" and "-", 1 to 32 characters. */
const LABEL_NAME = /^[\p{L}\p{N}_-]{1,32}$/u;
const TRIPLET_RELATION = 102;
const TRIPLET_ENTITY = 103;

/**
 * Checks labels for a dataset of this type and returns them as definitions: each has a valid name
 * and a label type the dataset can carry (the dataset's own type when absent); names are unique
 * within the list and against `existing`; a triplet relation names entity labels of the list or of
 * `existing` as its from/to types.
 */
export function checkNewLabels(info: DatasetTypeInfo, labels: readonly Label[], field: string, existing: readonly LabelDefinition[] = []): LabelDefinition[] {
  const taken = new Set(existing.map((l) => l.name));
  const seen = new Set<string>();
  const out: LabelDefinition[] = [];
  labels.forEach((label, i) => {
    const where = `${field}[${i}]`;
    const name = label.name?.trim() ?? '';
    if (!LABEL_NAME.test(name)) throw errors.badParam(`${where}.name must have 1 to 32 letters, digits, "_" or "-"`);
    if (seen.has(name)) throw labelErrors.nameTaken(`${field}: "${name}" appears more than once`);
    if (taken.has(name)) throw labelErrors.nameTaken(`${where}.name: the dataset already has label "${name}"`);
    seen.add(name);
    const type = label.type ?? info.labelTypes[0];
    if (type === undefined) {
      throw labelErrors.badType(`${where}: a dataset of type ${info.type} (${info.tags.join(', ')}) has no labels`);
    }
    if (!(info.labelTypes as readonly number[]).includes(type)) {
      throw labelErrors.badType(`${where}.type: ${type} does not fit a dataset of type ${info.type}; allowed: ${info.labelTypes.join(', ')}`);
    }
    out.push({
      name,
      type,
      ...(label.property ? { property: label.property } : {}),
      ...(label.attributes ? { attributes: label.attributes } : {}),
    });
  });
  const entities = new Set([...existing, ...out].filter((l) => l.type === TRIPLET_ENTITY).map((l) => l.name));
  out.forEach((l, i) => {
    if (l.type !== TRIPLET_RELATION) return;
    for (const key of ['@modelarts:from_type', '@modelarts:to_type']) {
      const ref = l.property?.[key];
      if (typeof ref !== 'string' || !entities.has(ref)) {
        throw labelErrors.badTripletRef(`${field}[${i}].property.${key} must name an entity label (type 103), got ${JSON.stringify(ref ?? null)}`);
      }
    }
  });
  return out;
}
