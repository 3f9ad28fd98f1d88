import { errors } from '#src/core/errors.ts';
import { checkSampleLabel, checkTripletRefs } from './annotation-rules.ts';
import type { LabelInput, LabelResolver } from './sample-rows.ts';

/** Checks the label list of one sample: names and types against the dataset, then each label's rules. */
export function checkLabelList(resolver: LabelResolver, labels: readonly LabelInput[], field: string): void {
  const types = resolver.typesOf(labels, field);
  const ids = new Set<string>();
  labels.forEach((l, i) => {
    const where = `${field}[${i}]`;
    checkSampleLabel(l, types[i]!, where);
    if (l.id !== undefined) {
      if (ids.has(l.id)) throw errors.badParam(`${where}.id "${l.id}" is used twice on this sample`);
      ids.add(l.id);
    }
  });
  checkTripletRefs(
    labels.map((l, i) => ({ ...l, name: (l.name ?? '').trim(), type: types[i]! })),
    (name) => resolver.definition(name),
    field,
  );
}
