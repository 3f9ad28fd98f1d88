// What a model's answer says about one sample, in the dataset's labels: the predicted label and its
// confidence (the ModelArts classification answer: predicted_label with scores as [name, score]
// pairs or a {name: score} map), or for object detection the boxes (detection_classes,
// detection_boxes as [ymin, xmin, ymax, xmax], detection_scores). An answer this cannot read, or a label the dataset lacks, is why
// the task fails: the model does not fit the dataset.

export interface PrelabelGuess {
  label: string;
  score: number;
  /** Object detection: the boxes, corners [[x1, y1], [x2, y2]]; `label` and `score` are the surest one's. */
  boxes?: { label: string; score: number; box: [[number, number], [number, number]] }[];
}

function scoresOf(value: unknown): Map<string, number> | undefined {
  const out = new Map<string, number>();
  if (Array.isArray(value)) {
    for (const pair of value) {
      if (!Array.isArray(pair) || pair.length < 2 || typeof pair[0] !== 'string') return undefined;
      const n = Number(pair[1]);
      if (!Number.isFinite(n)) return undefined;
      out.set(pair[0], n);
    }
    return out;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      const n = Number(v);
      if (!Number.isFinite(n)) return undefined;
      out.set(k, n);
    }
    return out;
  }
  return undefined;
}

const shown = (v: unknown): string => JSON.stringify(v)?.slice(0, 200) ?? String(v);

/** The guess in an answer, or the reason it cannot be mapped to `labels`. */
export function readAnswer(answer: unknown, labels: ReadonlySet<string>): PrelabelGuess | { reason: string } {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return { reason: `the model's answer is not an object: ${shown(answer)}` };
  const a = answer as Record<string, unknown>;
  const scores = a.scores === undefined ? undefined : scoresOf(a.scores);
  if (a.scores !== undefined && !scores) return { reason: `the answer's scores are neither [label, score] pairs nor a {label: score} map: ${shown(a.scores)}` };
  let label = typeof a.predicted_label === 'string' ? a.predicted_label : undefined;
  if (label === undefined && scores && scores.size > 0) label = [...scores].reduce((best, s) => (s[1] > best[1] ? s : best))[0];
  if (label === undefined) return { reason: `the answer names no predicted_label and no scores: ${shown(answer)}` };
  if (!labels.has(label)) return { reason: `the model predicts "${label.slice(0, 64)}", which is not a label of the dataset (${[...labels].join(', ')})` };
  const score = scores?.get(label) ?? (typeof a.score === 'number' ? a.score : undefined);
  if (score === undefined) return { reason: `the answer gives no confidence for "${label}" (scores or score)` };
  if (!(score >= 0 && score <= 1)) return { reason: `the confidence of "${label}" is ${score}, outside 0 to 1` };
  return { label, score };
}

const isBox = (b: unknown): b is [number, number, number, number] =>
  Array.isArray(b) && b.length === 4 && b.every((v) => typeof v === 'number' && Number.isFinite(v));

/** The boxes of a detection answer; undefined (no guess) when it found nothing. */
export function readDetection(answer: unknown, labels: ReadonlySet<string>): PrelabelGuess | undefined | { reason: string } {
  const a = (typeof answer === 'object' && answer !== null ? answer : {}) as Record<string, unknown>;
  const { detection_classes: classes, detection_boxes: boxes, detection_scores: scores } = a;
  if (!Array.isArray(classes) || !Array.isArray(boxes) || !Array.isArray(scores))
    return { reason: `the answer has no detection_classes, detection_boxes and detection_scores: ${shown(answer)}` };
  if (classes.length !== boxes.length || classes.length !== scores.length)
    return { reason: 'detection_classes, detection_boxes and detection_scores differ in length' };
  const out: NonNullable<PrelabelGuess['boxes']> = [];
  for (const [i, c] of classes.entries()) {
    const box: unknown = boxes[i];
    const score = Number(scores[i]);
    if (typeof c !== 'string' || !labels.has(c))
      return { reason: `the model detects "${String(c).slice(0, 64)}", which is not a label of the dataset (${[...labels].join(', ')})` };
    if (!isBox(box) || box[0] > box[2] || box[1] > box[3]) return { reason: `detection box ${shown(box)} is not [ymin, xmin, ymax, xmax]` };
    if (!(score >= 0 && score <= 1)) return { reason: `the confidence of a "${c}" box is ${shown(scores[i])}, outside 0 to 1` };
    out.push({
      label: c,
      score,
      box: [
        [box[1], box[0]],
        [box[3], box[2]],
      ],
    });
  }
  if (out.length === 0) return undefined;
  const best = out.reduce((x, y) => (y.score > x.score ? y : x));
  return { label: best.label, score: best.score, boxes: out };
}
