// A tiny colour classifier as a Python model package (plain interpreter, no libraries): it reads a
// 24-bit BMP, counts the clearly coloured pixels nearest each class colour, and answers as a
// ModelArts image classifier does (predicted_label, scores). BMP keeps the model's decoding short.
import type { Files } from '../models/fixtures.ts';
import { COLOURS, TOPICS } from './fixtures.ts';

/** A 32x32 noisy grey BMP with a square of the class's colour at a random place. */
export function colourBmp(cls: string, rand: () => number): Buffer {
  const side = 32;
  const row = side * 3;
  const header = Buffer.alloc(54);
  header.write('BM', 0);
  header.writeUInt32LE(54 + row * side, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(side, 18);
  header.writeInt32LE(side, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(row * side, 34);
  const px = Buffer.alloc(row * side);
  for (let i = 0; i < px.length; i++) px[i] = 100 + Math.floor(rand() * 60);
  const size = 8 + Math.floor(rand() * 12);
  const x0 = Math.floor(rand() * (side - size));
  const y0 = Math.floor(rand() * (side - size));
  const [r, g, b] = COLOURS[cls]!;
  for (let y = y0; y < y0 + size; y++)
    for (let x = x0; x < x0 + size; x++) {
      const i = y * row + x * 3;
      px[i] = b;
      px[i + 1] = g;
      px[i + 2] = r;
    }
  return Buffer.concat([header, px]);
}

const CONFIG = JSON.stringify({
  model_type: 'Scikit_Learn',
  model_algorithm: 'image_classification',
  apis: [
    {
      url: '/',
      request: { 'Content-type': 'multipart/form-data', data: { type: 'object', properties: { images: { type: 'file' } } } },
      response: { 'Content-type': 'application/json', data: { type: 'object', properties: { predicted_label: { type: 'string' } } } },
    },
  ],
});

const SERVICE = (answer: string, delay: number) => `import time
from model_service.python_model_service import XgSklServingBaseService

COLOURS = ${JSON.stringify(COLOURS)}


class ColourService(XgSklServingBaseService):
    def __init__(self, model_path):
        self.model_path = model_path

    def _preprocess(self, data):
        return [content.read() for files in data.values() for content in files.values()]

    def _inference(self, images):
        time.sleep(${delay})
        b = images[0]
        off = int.from_bytes(b[10:14], "little")
        w = int.from_bytes(b[18:22], "little", signed=True)
        h = abs(int.from_bytes(b[22:26], "little", signed=True))
        stride = (w * 3 + 3) // 4 * 4
        counts = {k: 0 for k in COLOURS}
        spans = {k: [h, w, -1, -1] for k in COLOURS}
        for y in range(h):
            for x in range(w):
                i = off + y * stride + x * 3
                bl, g, r = b[i], b[i + 1], b[i + 2]
                if max(r, g, bl) - min(r, g, bl) < 60:
                    continue
                near = min(COLOURS, key=lambda k: (COLOURS[k][0] - r) ** 2 + (COLOURS[k][1] - g) ** 2 + (COLOURS[k][2] - bl) ** 2)
                counts[near] += 1
                top = h - 1 - y
                sp = spans[near]
                spans[near] = [min(sp[0], top), min(sp[1], x), max(sp[2], top + 1), max(sp[3], x + 1)]
        total = sum(counts.values()) or 1
        scores = sorted(([k, round(v / total, 4)] for k, v in counts.items()), key=lambda s: -s[1])
        ${answer}

    def _postprocess(self, data):
        return data
`;

/** The colour classifier; `delay` seconds per prediction. */
export function colourModel(delay = 0): Files {
  return {
    'model/config.json': CONFIG,
    'model/model.m': '{}',
    'model/customize_service.py': SERVICE('return {"predicted_label": scores[0][0], "scores": scores}', delay),
  };
}

/** A model whose answers name a label no dataset of the tests has. */
export function zebraModel(): Files {
  return {
    'model/config.json': CONFIG,
    'model/model.m': '{}',
    'model/customize_service.py': SERVICE('return {"predicted_label": "zebra", "scores": [["zebra", 0.9]]}', 0),
  };
}

/** A detector of the same colours: a box around each colour's pixels, its share of them as the confidence. */
export function boxModel(): Files {
  return {
    'model/config.json': CONFIG,
    'model/model.m': '{}',
    'model/customize_service.py': SERVICE(
      'found = [k for k in COLOURS if counts[k] >= 8]\n        return {"detection_classes": found, "detection_boxes": [spans[k] for k in found], "detection_scores": [round(counts[k] / total, 4) for k in found]}',
      0,
    ),
  };
}

/** A text classifier over JSON requests ({"text": ...}): the topic whose words the text holds most. */
export function topicModel(): Files {
  return {
    'model/config.json': JSON.stringify({
      model_type: 'Scikit_Learn',
      model_algorithm: 'text_classification',
      apis: [
        {
          url: '/',
          request: { 'Content-type': 'application/json', data: { type: 'object', properties: { text: { type: 'string' } } } },
          response: { 'Content-type': 'application/json', data: { type: 'object', properties: { predicted_label: { type: 'string' } } } },
        },
      ],
    }),
    'model/model.m': '{}',
    'model/customize_service.py': `import json
from model_service.python_model_service import XgSklServingBaseService

TOPICS = ${JSON.stringify(TOPICS)}


class TopicService(XgSklServingBaseService):
    def __init__(self, model_path):
        self.model_path = model_path

    def _preprocess(self, data):
        return (json.loads(data) if isinstance(data, str) else data)["text"].split()

    def _inference(self, words):
        hits = {k: sum(1 for w in words if w in v) + 0.1 for k, v in TOPICS.items()}
        total = sum(hits.values())
        scores = sorted(([k, round(v / total, 4)] for k, v in hits.items()), key=lambda s: -s[1])
        return {"predicted_label": scores[0][0], "scores": scores}

    def _postprocess(self, data):
        return data
`,
  };
}
