// The label edits of UpdateDataset (add_labels, update_labels, delete_labels): checked here, carried
// out by the samples family, which owns the label tables.
import { labelErrors } from './errors.ts';
import type { DatasetRecord } from './dataset-directory.ts';
import type { DatasetTypeInfo } from '#src/formats/dataset-types.ts';
import type { DatasetSamplesPort, LabelDefinition } from './samples-port.ts';
import type { Label } from './schemas.ts';

export interface LabelChangeSet {
  add: LabelDefinition[];
  update: Label[];
  remove: Label[];
}

/** What the samples family does for these edits. */
export type LabelEditor = Pick<DatasetSamplesPort, 'addLabels' | 'updateLabels' | 'deleteLabels'>;

export class LabelChanges {
  constructor(private readonly editor: LabelEditor) {}

  /** Updated and deleted labels must exist (ModelArts.4410); an updated label keeps its type. */
  check(info: DatasetTypeInfo, existing: readonly LabelDefinition[], changes: LabelChangeSet): void {
    const byName = new Map(existing.map((l) => [l.name, l]));
    const requireExisting = (l: Label, where: string): LabelDefinition => {
      const found = l.name === undefined ? undefined : byName.get(l.name);
      if (!found) throw labelErrors.notFound(`${where}.name: ${JSON.stringify(l.name ?? null)}`);
      return found;
    };
    changes.update.forEach((l, i) => {
      const found = requireExisting(l, `body.update_labels[${i}]`);
      if (l.type !== undefined && l.type !== found.type) {
        throw labelErrors.badType(
          `body.update_labels[${i}].type: label "${found.name}" is of type ${found.type}; a dataset of type ${info.type} cannot change it`,
        );
      }
    });
    changes.remove.forEach((l, i) => requireExisting(l, `body.delete_labels[${i}]`));
  }

  /** Updates first (renames and properties are the likeliest to be refused), then additions, then deletions. */
  async apply(dataset: DatasetRecord, changes: LabelChangeSet): Promise<void> {
    if (changes.update.length > 0) await this.editor.updateLabels(dataset, changes.update);
    if (changes.add.length > 0) await this.editor.addLabels(dataset, changes.add);
    if (changes.remove.length > 0) await this.editor.deleteLabels(dataset, changes.remove);
  }
}
