// The dataset and label type codes as the API reference explains them, for the answers' fields that
// carry these codes without an enum (requests validate with IntCodes and these meanings).
import { IntCodes } from '#src/core/schemas.ts';
import { DATASET_TYPE_MEANINGS, DATASET_TYPES, LABEL_TYPE_MEANINGS, LABEL_TYPES } from '#src/formats/dataset-types.ts';

const textOf = (schema: object): string => ('description' in schema && typeof schema.description === 'string' ? schema.description : '');

/** "Dataset type. 0: image classification; ..." */
export const DATASET_TYPE_TEXT = textOf(IntCodes(DATASET_TYPES, DATASET_TYPE_MEANINGS, 'Dataset type'));

/** "Label type. 0: image classification; ..." */
export const LABEL_TYPE_TEXT = textOf(IntCodes(LABEL_TYPES, LABEL_TYPE_MEANINGS, 'Label type'));
