// Why a sample may be a hard example: the reason ids 0-30 of the spec, described in our own words.

export interface HardReason {
  id: number;
  reason: string;
  suggestion: string;
  alo_name: string;
}

const OFFSET = 'The {} of the image is far from what the training data shows.';
const FRAME_OFFSET = 'The {} of the labeled boxes is far from what the training data shows.';
const AUGMENT = 'The prediction changes when the image is {}.';

const describe = (template: string, what: string) => template.replace('{}', what);

const REASONS: [string, string, string][] = [
  ['no_target', 'No object was found in the sample.', 'Check whether the sample holds any object of a label; label it or remove it.'],
  ['low_confidence', 'The prediction has a low confidence.', 'Label the sample by hand and add similar samples to the training data.'],
  ['cluster_mismatch', 'Clustering the training data puts the sample in another class than the prediction.', 'Check the labels of similar training samples.'],
  ['unlike_training', 'The prediction differs much from training samples of the same class.', 'Add more varied samples of this class.'],
  ['inconsistent_sequence', 'Similar consecutive images get different predictions.', 'Label these images by hand.'],
  ['resolution', describe(OFFSET, 'resolution'), 'Add training images of a similar resolution.'],
  ['aspect_ratio', describe(OFFSET, 'aspect ratio'), 'Add training images of a similar shape.'],
  ['brightness', describe(OFFSET, 'brightness'), 'Add training images taken in similar light.'],
  ['saturation', describe(OFFSET, 'saturation'), 'Add training images of similar colors.'],
  ['color_richness', describe(OFFSET, 'color richness'), 'Add training images of similar colors.'],
  ['sharpness', describe(OFFSET, 'sharpness'), 'Add training images of similar sharpness.'],
  ['box_count', describe(FRAME_OFFSET, 'number'), 'Add training images with as many objects.'],
  ['box_area_spread', describe(FRAME_OFFSET, 'spread of areas'), 'Add training images with objects of similar sizes.'],
  ['box_aspect_ratio', describe(FRAME_OFFSET, 'aspect ratio'), 'Add training images with objects of similar shapes.'],
  ['box_area_share', describe(FRAME_OFFSET, 'share of the image'), 'Add training images with objects of similar sizes.'],
  ['box_edge', describe(FRAME_OFFSET, 'position near the edges'), 'Add training images with objects near the edges.'],
  ['box_brightness', describe(FRAME_OFFSET, 'brightness'), 'Add training images with objects in similar light.'],
  ['box_sharpness', describe(FRAME_OFFSET, 'sharpness'), 'Add training images with objects of similar sharpness.'],
  ['box_overlap', describe(FRAME_OFFSET, 'overlap'), 'Add training images with overlapping objects.'],
  ['gaussian_blur', describe(AUGMENT, 'blurred'), 'Add blurred samples to the training data.'],
  ['flip_lr', describe(AUGMENT, 'flipped left to right'), 'Add mirrored samples to the training data.'],
  ['crop', describe(AUGMENT, 'cropped'), 'Add cropped samples to the training data.'],
  ['flip_ud', describe(AUGMENT, 'flipped upside down'), 'Add flipped samples to the training data.'],
  ['scale', describe(AUGMENT, 'scaled'), 'Add scaled samples to the training data.'],
  ['translate', describe(AUGMENT, 'shifted'), 'Add shifted samples to the training data.'],
  ['shear', describe(AUGMENT, 'sheared'), 'Add sheared samples to the training data.'],
  ['superpixels', describe(AUGMENT, 'turned into superpixels'), 'Add such samples to the training data.'],
  ['sharpen', describe(AUGMENT, 'sharpened'), 'Add sharpened samples to the training data.'],
  ['add', describe(AUGMENT, 'brightened or darkened'), 'Add samples of other brightness to the training data.'],
  ['invert', describe(AUGMENT, 'inverted'), 'Add inverted samples to the training data.'],
  ['abnormal', 'The sample is predicted to be abnormal.', 'Check the sample; remove it if it is not valid data.'],
];

export const hardReason = (id: number): HardReason | undefined => {
  const r = REASONS[id];
  return r && { id, alo_name: r[0], reason: r[1], suggestion: r[2] };
};

/** The reason ids 0-30 in a few words each, for the API reference (hard_details give the full text). */
export const HARD_REASON_CODES =
  '0: no object found; 1: low confidence; 2: clustering disagrees with the prediction; 3: unlike training samples of its class; ' +
  '4: similar consecutive images predicted differently; 5 to 10: the resolution, aspect ratio, brightness, saturation, color richness or ' +
  'sharpness of the image (in that order) is far from the training data; 11 to 18: the number, spread of areas, aspect ratio, share of the image, ' +
  'position near the edges, brightness, sharpness or overlap of its boxes (in that order) is far from the training data; 19 to 29: the prediction ' +
  'changes when the image is blurred, flipped left to right, cropped, flipped upside down, scaled, shifted, sheared, turned into superpixels, ' +
  'sharpened, brightened or darkened, or inverted (in that order); 30: predicted abnormal';
