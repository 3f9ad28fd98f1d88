// The samples family's tables. Sample annotations are kept as JSON on the sample row and name their
// label by its per-dataset number (label_no), so a rename touches one row; counters kept in the same
// transactions as the samples answer counts and statistics without scanning a dataset.

/** A label of a dataset, with its annotation counters split by sample state. */
export interface LabelRow {
  dataset_id: string;
  label_no: number;
  name: string;
  type: number;
  /** JSON object: the label's property (@modelarts:color, ...). */
  property: string;
  /** JSON array or null: the label's attributes. */
  attributes: string | null;
  /** Annotations and distinct samples carrying the label, on manually labeled samples. */
  count_manual: number;
  samples_manual: number;
  /** The same on samples whose labels await confirmation (auto annotation). */
  count_auto: number;
  samples_auto: number;
  create_time: number;
}

/** Sample state: 0 unlabeled, 1 manually labeled (final), 2 auto-labeled awaiting confirmation. */
export const SampleState = { none: 0, manual: 1, auto: 2 } as const;
export type SampleStateValue = (typeof SampleState)[keyof typeof SampleState];

export interface SampleRow {
  id: string;
  dataset_id: string;
  /** Object path of the file, `/bucket/key`. */
  source: string;
  name: string;
  /** The folder holding the file, `/bucket/dir/`. */
  dir: string;
  size: number;
  sample_type: number;
  /** Last-modified time of the file, epoch ms; the list order. */
  sample_time: number;
  state: number;
  /** JSON array of StoredAnnotation. */
  labels: string;
  /** The distinct label numbers carried, as ",3,7," ('' when none): portable set tests with LIKE. */
  label_set: string;
  /** JSON object. */
  metadata: string;
  usage: string | null;
  /** 1 when metadata marks the sample a hard example. */
  hard: number;
  /** Highest confidence among the labels, null when no label has one. */
  score: number | null;
  labeler: string | null;
  /** When the labels last changed, epoch ms; 0 when never labeled. */
  labeled_time: number;
  create_time: number;
}

/** One row per (sample, label) pair, in list order: pages of samples carrying a label come off this index. */
export interface SampleLabelIndexRow {
  dataset_id: string;
  label_no: number;
  sample_time: number;
  sample_id: string;
}

/** Per-dataset counters, kept in the transactions that change samples. */
export interface SampleCounterRow {
  dataset_id: string;
  total: number;
  manual: number;
  auto: number;
  /** Samples marked hard examples. */
  hard: number;
  /** Samples carrying more than one distinct label (manual state). */
  multi_label: number;
  /** Samples deleted from the dataset so far. */
  deleted: number;
  next_label_no: number;
}

/** How many samples carry each metadata value (scalars and array items), for statistics and search conditions. */
export interface SampleMetadataCountRow {
  dataset_id: string;
  key: string;
  value: string;
  count: number;
}

/** A frozen copy of a dataset's samples (the datasets family's version id). */
export interface SampleVersionRow {
  version_id: string;
  dataset_id: string;
  total: number;
  annotated: number;
  create_time: number;
}

/** The frozen copy of a sample in a dataset version. */
export interface VersionSampleRow extends Omit<SampleRow, 'id' | 'dataset_id' | 'create_time'> {
  version_id: string;
  /** 1.. in the list order (sample_time, sample id) when the version froze. */
  seq: number;
  sample_id: string;
}

/** The labels of a version as they were when it froze. */
export interface VersionLabelRow extends Pick<LabelRow, 'dataset_id' | 'label_no' | 'name' | 'type' | 'property' | 'attributes'> {
  version_id: string;
}

/** One point of a dataset's sample counts per minute (the latest value of the minute wins). */
export interface DatasetMetricRow {
  dataset_id: string;
  bucket: number;
  total: number;
  manual: number;
  auto: number;
  unlabeled: number;
}

export interface SampleTables {
  dataset_labels: LabelRow;
  samples: SampleRow;
  sample_label_index: SampleLabelIndexRow;
  sample_counters: SampleCounterRow;
  sample_metadata_counts: SampleMetadataCountRow;
  sample_versions: SampleVersionRow;
  version_samples: VersionSampleRow;
  version_labels: VersionLabelRow;
  dataset_metrics: DatasetMetricRow;
}
