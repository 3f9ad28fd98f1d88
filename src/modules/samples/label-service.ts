// Dataset labels (#19-#24): a change to a label reaches every sample carrying it.
import { errors } from '#src/core/errors.ts';
import { pageStart } from '#src/core/start-page.ts';
import { checkNewLabels, datasetErrors, labelErrors, type DatasetRecord, type Label } from '#src/modules/datasets/index.ts';
import { parseObsPath } from '#src/storage/obs-path.ts';
import { LabelType } from './annotation-rules.ts';
import { distinctLabels, type LabelRef, type StoredAnnotation } from './sample-model.ts';
import type { SampleTx } from './sample-tx.ts';
import type { LabelResponse, ListLabelsQuery, ListLabelsResponse, UpdateLabelRequest } from './schemas.ts';
import type { SampleDatasets, SampleWriterPorts } from './ports.ts';
import type { SampleStore } from './store.ts';
import { SampleState, type SampleRow } from './tables.ts';
import { sampleErrors } from './errors.ts';
import { LABEL_NAME, LABEL_NAME_RULE } from './label-name.ts';

const REWRITE_PAGE = 500;

/** 0: the label only; 1: also the samples left with no label; 2: those and their files. */
export type DeletePolicy = 0 | 1 | 2;

export const labelResponse = (l: LabelRef): LabelResponse => ({
  ...(l.attributes ? { attributes: l.attributes } : {}),
  name: l.name,
  property: l.property,
  type: l.type,
});

export class LabelService {
  constructor(
    private readonly store: SampleStore,
    private readonly directory: SampleDatasets,
    private readonly ports: SampleWriterPorts,
  ) {}

  async list(projectId: string, datasetId: string, q: ListLabelsQuery): Promise<ListLabelsResponse> {
    const dataset = await this.directory.require(projectId, datasetId);
    let labels: LabelRef[];
    if (q.version_id !== undefined) {
      if (!(await this.store.versionExists(dataset.id, q.version_id))) throw datasetErrors.versionNotFound(`${q.version_id}`);
      labels = await this.store.versionLabels(q.version_id);
    } else labels = await this.store.labels(dataset.id);
    const start = pageStart(q.offset, q.limit);
    return { total_number: labels.length, labels: labels.slice(start, start + q.limit).map(labelResponse) };
  }

  async create(projectId: string, datasetId: string, labels: readonly Label[]): Promise<void> {
    const dataset = await this.directory.requireWritable(projectId, datasetId);
    if (labels.length === 0) throw errors.badParam('body.labels must hold at least one label');
    await this.store.write(dataset.id, this.ports.clock.now(), async (tx) => {
      const known = [...(await tx.labels()).values()];
      const defs = checkNewLabels(dataset.info, labels, 'body.labels', known);
      checkShortcuts([...known, ...defs.map((d) => ({ name: d.name, property: d.property ?? {} }))], 'body.labels');
      await tx.createLabels(
        defs.map((d) => ({ name: d.name, type: d.type, property: d.property ?? {}, ...(d.attributes ? { attributes: d.attributes } : {}) })),
      );
    });
    await this.directory.touch(dataset.id);
  }

  /** Changes labels' properties and attributes; `@modelarts:rename_to` renames (every sample follows). */
  async update(projectId: string, datasetId: string, labels: readonly Label[], field = 'body.labels'): Promise<void> {
    const dataset = await this.directory.requireWritable(projectId, datasetId);
    if (labels.length === 0) throw errors.badParam(`${field} must hold at least one label`);
    await this.store.write(dataset.id, this.ports.clock.now(), async (tx) => {
      for (const [i, label] of labels.entries()) await this.updateOne(tx, label, `${field}[${i}]`);
      checkShortcuts([...(await tx.labels()).values()], field);
    });
    await this.directory.touch(dataset.id);
  }

  async updateByName(projectId: string, datasetId: string, name: string, labelType: number | undefined, body: UpdateLabelRequest): Promise<void> {
    await this.update(projectId, datasetId, [{ name, ...(labelType !== undefined ? { type: labelType as Label['type'] } : {}), property: body }], 'body');
  }

  private async updateOne(tx: SampleTx, label: Label, field: string): Promise<void> {
    const known = await tx.labels();
    const current = requireLabel(known, label, field);
    const { '@modelarts:rename_to': renameTo, ...props } = label.property ?? {};
    let name = current.name;
    if (renameTo !== undefined && renameTo !== current.name) {
      if (typeof renameTo !== 'string' || !LABEL_NAME.test(renameTo)) {
        throw errors.badParam(`${field}.property.@modelarts:rename_to ${LABEL_NAME_RULE}`);
      }
      if (known.has(renameTo)) throw labelErrors.nameTaken(`${field}.property.@modelarts:rename_to: "${renameTo}" is taken`);
      name = renameTo;
    }
    const property = { ...current.property, ...props };
    await tx.updateLabel(current.no, { name, property, ...(label.attributes ? { attributes: label.attributes } : {}) });
    if (name !== current.name && current.type === LabelType.tripletEntity) {
      // Relations name their entity labels by name: they follow the rename.
      for (const rel of [...(await tx.labels()).values()]) {
        if (rel.type !== LabelType.tripletRelation) continue;
        const p = { ...rel.property };
        let changed = false;
        for (const k of ['@modelarts:from_type', '@modelarts:to_type']) {
          if (p[k] === current.name) {
            p[k] = name;
            changed = true;
          }
        }
        if (changed) await tx.updateLabel(rel.no, { property: p });
      }
    }
  }

  /** Deletes labels; they leave every sample; by policy the samples left with no label go too. */
  async delete(projectId: string, datasetId: string, labels: readonly Label[], policy: DeletePolicy, field = 'body.labels'): Promise<void> {
    const dataset = await this.directory.requireWritable(projectId, datasetId);
    if (labels.length === 0) throw errors.badParam(`${field} must hold at least one label`);
    if (policy === 2 && dataset.info.sampleType !== 1) {
      // The dataset's own folders hold its files: refused before anything changes when the account lost them.
      const own = [...dataset.inputPaths, dataset.innerPath ?? dataset.workPath].map((path) => ({ path, field: 'delete_source' }));
      await this.ports.buckets.checkAll({ projectId: dataset.projectId }, own, 'delete');
    }
    const doomedFiles = await this.store.write(dataset.id, this.ports.clock.now(), async (tx) => {
      const known = await tx.labels();
      const targets = labels.map((l, i) => requireLabel(known, l, `${field}[${i}]`));
      const names = new Set(targets.map((t) => t.name));
      for (const rel of known.values()) {
        if (rel.type !== LabelType.tripletRelation || names.has(rel.name)) continue;
        for (const k of ['@modelarts:from_type', '@modelarts:to_type']) {
          const entity = rel.property[k];
          if (typeof entity === 'string' && names.has(entity)) {
            throw sampleErrors.entityInUse(`label "${entity}" is the ${k.slice(11)} of relation "${rel.name}"`);
          }
        }
      }
      const files: string[] = [];
      for (const target of targets) files.push(...(await this.removeFromSamples(tx, target.no, policy)));
      await tx.deleteLabels(targets.map((t) => t.no));
      return files;
    });
    await this.directory.touch(dataset.id);
    if (policy === 2) await this.deleteFiles(dataset, doomedFiles);
  }

  async deleteByName(projectId: string, datasetId: string, name: string, labelType: number | undefined, deleteSource: boolean): Promise<void> {
    const label: Label = { name, ...(labelType !== undefined ? { type: labelType as Label['type'] } : {}) };
    await this.delete(projectId, datasetId, [label], deleteSource ? 2 : 1, 'path.label_name');
  }

  /** Takes a label off every sample carrying it; returns the sources of samples deleted by policy. */
  private async removeFromSamples(tx: SampleTx, no: number, policy: DeletePolicy): Promise<string[]> {
    const deletedSources: string[] = [];
    for (;;) {
      const page = await tx.samplesWithLabel(no, REWRITE_PAGE);
      if (page.length === 0) return deletedSources;
      const doomed: SampleRow[] = [];
      for (const row of page) {
        const annotations = JSON.parse(row.labels) as StoredAnnotation[];
        const kept = annotations.filter((a) => a.label !== no);
        if (policy > 0 && distinctLabels(annotations).length === 1) {
          doomed.push(row);
          continue;
        }
        await tx.changeLabels(row, {
          state: kept.length === 0 ? SampleState.none : row.state,
          annotations: kept,
          metadata: JSON.parse(row.metadata) as Record<string, unknown>,
          usage: row.usage,
          labeler: row.labeler,
          labeledTime: tx.now,
        });
      }
      await tx.deleteSamples(doomed);
      deletedSources.push(...doomed.map((r) => r.source));
    }
  }

  /** After the samples are gone: their files (text datasets keep theirs, one file holds many samples). */
  async deleteFiles(dataset: DatasetRecord, sources: readonly string[]): Promise<void> {
    if (dataset.info.sampleType === 1) return;
    for (const source of new Set(sources)) {
      const p = parseObsPath(source, 'source');
      // A file in a bucket of another account (named by path, the grant since revoked) stays.
      if (!(await this.ports.buckets.allows({ projectId: dataset.projectId }, p.bucket))) continue;
      await this.ports.objectStore.delete(p.bucket, p.key);
    }
  }
}

function requireLabel(known: Map<string, LabelRef>, label: Label, field: string): LabelRef {
  const name = label.name?.trim() ?? '';
  if (name === '') throw errors.badParam(`${field}.name is required`);
  const ref = known.get(name);
  if (!ref || (label.type !== undefined && label.type !== ref.type)) {
    throw labelErrors.notFound(`${field}.name: "${name}"${label.type !== undefined ? ` of type ${label.type}` : ''}`);
  }
  return ref;
}

/** Shortcut keys pick a label while labeling: two labels cannot share one. */
function checkShortcuts(labels: readonly { name: string; property?: Record<string, unknown> }[], field: string): void {
  const seen = new Map<string, string>();
  for (const l of labels) {
    const key = l.property?.['@modelarts:shortcut'];
    if (typeof key !== 'string' || key === '') continue;
    const other = seen.get(key.toLowerCase());
    if (other !== undefined) throw sampleErrors.shortcutTaken(`${field}: "${key}" is the shortcut of both "${other}" and "${l.name}"`);
    seen.set(key.toLowerCase(), l.name);
  }
}
