// What UpdateDataset and the dataset list use of the samples family beyond the port: label edits
// and the first samples of a dataset.
import type { SampleService } from '#src/modules/samples/service.ts';
import type { SamplePreview } from './dataset-service.ts';
import type { LabelEditor } from './label-changes.ts';

/** delete_labels of UpdateDataset removes the labels only; their samples stay (policy 0). */
const LABEL_ONLY = 0;
const SIZE_KEY = '@modelarts:size';

export function samplesLabelEditor(samples: SampleService): LabelEditor {
  return {
    addLabels: (dataset, labels) => samples.addLabels(dataset, labels),
    updateLabels: (dataset, labels) => samples.labels.update(dataset.projectId, dataset.id, labels, 'body.update_labels'),
    deleteLabels: (dataset, labels) => samples.labels.delete(dataset.projectId, dataset.id, labels, LABEL_ONLY, 'body.delete_labels'),
  };
}

/** The newest samples as the list's AnnotationFile objects; width/height/depth when the sample knows them. */
export function samplesPreview(samples: SampleService): SamplePreview {
  return async (projectId, datasetId, count, origin) => {
    const page = await samples.queries.list(projectId, datasetId, { limit: count, offset: 0 }, origin);
    return page.samples.map((s) => {
      const size = s.metadata[SIZE_KEY];
      const [width, height, depth] = Array.isArray(size) ? size.map((n) => (Number.isInteger(n) ? (n as number) : undefined)) : [];
      return {
        create_time: s.sample_time,
        dataset_id: datasetId,
        file_Name: s.sample_name,
        file_id: s.sample_id,
        size: s.sample_size,
        url: s.source,
        ...(width !== undefined ? { width } : {}),
        ...(height !== undefined ? { height } : {}),
        ...(depth !== undefined ? { depth } : {}),
      };
    });
  };
}
