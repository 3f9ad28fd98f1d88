// The dataset types of the spec, with what each accepts and how its samples are labeled.
// Shared by the datasets, samples and data-transfer families.

export const DATASET_TYPES = [0, 1, 3, 100, 101, 102, 200, 201, 202, 400, 600, 900] as const;
export type DatasetType = (typeof DATASET_TYPES)[number];

/** Sample file types (sample_type): 0 image, 1 text, 2 audio, 4 table, 6 video, 9 custom. */
export const SAMPLE_TYPES = [0, 1, 2, 4, 6, 9] as const;
export type SampleType = (typeof SAMPLE_TYPES)[number];

/** Label types (a label's `type`): the dataset types with labels, plus 103 (triplet entity). */
export const LABEL_TYPES = [0, 1, 3, 100, 101, 102, 103, 200, 201, 202, 600] as const;
export type LabelType = (typeof LABEL_TYPES)[number];

export interface DatasetTypeInfo {
  type: DatasetType;
  /** dataset_tags, e.g. ["Image", "Object detection"]. */
  tags: readonly string[];
  sampleType: SampleType;
  /** Lower-case file extensions (with the dot) that become samples; empty: every file. */
  extensions: readonly string[];
  /** Label types a sample of this dataset may carry. */
  labelTypes: readonly LabelType[];
  /** 0 file, 1 table (dataset_format). */
  format: 0 | 1;
}

const IMAGE = ['.jpg', '.jpeg', '.png', '.bmp'] as const;
const TEXT = ['.txt', '.csv'] as const;
const AUDIO = ['.wav'] as const;

export const datasetTypes: Record<DatasetType, DatasetTypeInfo> = {
  0: { type: 0, tags: ['Image', 'Image classification'], sampleType: 0, extensions: IMAGE, labelTypes: [0], format: 0 },
  1: { type: 1, tags: ['Image', 'Object detection'], sampleType: 0, extensions: IMAGE, labelTypes: [1], format: 0 },
  3: { type: 3, tags: ['Image', 'Image segmentation'], sampleType: 0, extensions: IMAGE, labelTypes: [3], format: 0 },
  100: { type: 100, tags: ['Text', 'Text classification'], sampleType: 1, extensions: TEXT, labelTypes: [100], format: 0 },
  101: { type: 101, tags: ['Text', 'Named entity recognition'], sampleType: 1, extensions: TEXT, labelTypes: [101], format: 0 },
  102: { type: 102, tags: ['Text', 'Text triplet'], sampleType: 1, extensions: TEXT, labelTypes: [102, 103], format: 0 },
  200: { type: 200, tags: ['Audio', 'Sound classification'], sampleType: 2, extensions: AUDIO, labelTypes: [200], format: 0 },
  201: { type: 201, tags: ['Audio', 'Speech content'], sampleType: 2, extensions: AUDIO, labelTypes: [201], format: 0 },
  202: { type: 202, tags: ['Audio', 'Speech paragraph labeling'], sampleType: 2, extensions: AUDIO, labelTypes: [202], format: 0 },
  400: { type: 400, tags: ['Table'], sampleType: 4, extensions: ['.csv'], labelTypes: [], format: 1 },
  600: { type: 600, tags: ['Video', 'Video labeling'], sampleType: 6, extensions: ['.mp4'], labelTypes: [600], format: 0 },
  900: { type: 900, tags: ['Free format'], sampleType: 9, extensions: [], labelTypes: [], format: 0 },
};

/** What each code means, for the API reference (a field that takes these codes is described with them). */
export const DATASET_TYPE_MEANINGS: Record<DatasetType, string> = {
  0: 'image classification',
  1: 'object detection',
  3: 'image segmentation',
  100: 'text classification',
  101: 'named entity recognition',
  102: 'text triplet (entities and the relations between them)',
  200: 'sound classification',
  201: 'speech content (transcription)',
  202: 'speech paragraph labeling',
  400: 'table',
  600: 'video labeling',
  900: 'free format (files of any kind, not labeled)',
};

export const LABEL_TYPE_MEANINGS: Record<LabelType, string> = {
  ...(Object.fromEntries(LABEL_TYPES.filter((t) => t !== 102 && t !== 103).map((t) => [t, DATASET_TYPE_MEANINGS[t as DatasetType]])) as Record<
    Exclude<LabelType, 102 | 103>,
    string
  >),
  102: 'text triplet relation (its @modelarts:from_type and @modelarts:to_type name entity labels)',
  103: 'text triplet entity',
};

export const SAMPLE_TYPE_MEANINGS: Record<SampleType, string> = {
  0: 'image',
  1: 'text',
  2: 'audio',
  4: 'table',
  6: 'video',
  9: 'custom format',
};

export function isDatasetType(t: number): t is DatasetType {
  return (DATASET_TYPES as readonly number[]).includes(t);
}

/** Whether a file of this name becomes a sample of a dataset of this type. */
export function acceptsFile(info: DatasetTypeInfo, fileName: string): boolean {
  if (info.extensions.length === 0) return true;
  const dot = fileName.lastIndexOf('.');
  return dot >= 0 && info.extensions.includes(fileName.slice(dot).toLowerCase());
}
