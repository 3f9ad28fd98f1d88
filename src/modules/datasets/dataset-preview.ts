// The dataset list's file_preview: the newest samples of a dataset as AnnotationFile objects.
import type { DatasetSamplesPort } from './samples-port.ts';
import type { AnnotationFile } from './schemas.ts';

/** The first samples of a dataset, for the list's file_preview; their URLs for `origin` (the address the client used). */
export type SamplePreview = (projectId: string, datasetId: string, count: number, origin: string) => Promise<AnnotationFile[]>;

const SIZE_KEY = '@modelarts:size';

/** width/height/depth when the sample knows them. */
export function samplePreview(samples: Pick<DatasetSamplesPort, 'listSamples'>): SamplePreview {
  return async (projectId, datasetId, count, origin) => {
    const page = await samples.listSamples(projectId, datasetId, { limit: count, offset: 0 }, origin);
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
