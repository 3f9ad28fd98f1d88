// The training example of the end-to-end test: examples/logistic-regression/train.py as it is, run by a
// small boot file that then packs its model.json as a Scikit_Learn-style model package (model/model.m,
// config.json, customize_service.py on plain Python), so the job's output folder is a model that the
// Python model server loads. Request: {"data": {"req_data": [{"x1": 1.5, "x2": -0.5}]}}; answer:
// {"data": {"resp_data": [{"predict_result": 1, "probability": 0.98}]}}.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'logistic-regression');

/** The boot file: trains with the example's script, then writes the package beside its model.json. */
const BOOT = `import json
import os
import runpy
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.argv[0] = os.path.join(HERE, "train.py")
runpy.run_path(sys.argv[0], run_name="__main__")

out = os.environ.get("train_url")
for arg in sys.argv[1:]:
    if arg.startswith("--train_url="):
        out = arg.split("=", 1)[1]
package = os.path.join(out, "model")
os.makedirs(package, exist_ok=True)
shutil.copy(os.path.join(out, "model.json"), os.path.join(package, "model.m"))
for name in ("config.json", "customize_service.py"):
    shutil.copy(os.path.join(HERE, "serving", name), os.path.join(package, name))
print("model package written to %s" % package, flush=True)
`;

/** Inference on plain Python: the standardized features through the learned weights and the sigmoid. */
const SERVICE = `import json
import math

from model_service.python_model_service import XgSklServingBaseService


class LogisticService(XgSklServingBaseService):
    def __init__(self, model_path):
        with open(model_path) as f:
            self.model = json.load(f)

    def _preprocess(self, data):
        return json.loads(data)["data"]["req_data"]

    def _inference(self, rows):
        m = self.model
        out = []
        for row in rows:
            z = m["bias"]
            for name, mean, std, w in zip(m["features"], m["means"], m["stds"], m["weights"]):
                z += w * (float(row[name]) - mean) / std
            out.append(1.0 / (1.0 + math.exp(-z)))
        return out

    def _postprocess(self, probabilities):
        return {"data": {"resp_data": [{"predict_result": int(p >= 0.5), "probability": round(p, 4)} for p in probabilities]}}
`;

const CONFIG = {
  model_type: 'Scikit_Learn',
  runtime: 'python3.6',
  model_algorithm: 'predict_analysis',
  apis: [
    {
      protocol: 'http',
      url: '/',
      method: 'post',
      request: {
        'Content-type': 'application/json',
        data: {
          type: 'object',
          properties: { data: { type: 'object', properties: { req_data: { type: 'array', items: [{ type: 'object', properties: {} }] } } } },
        },
      },
      response: {
        'Content-type': 'application/json',
        data: {
          type: 'object',
          properties: { data: { type: 'object', properties: { resp_data: { type: 'array', items: [{ type: 'object', properties: {} }] } } } },
        },
      },
    },
  ],
};

/** The code folder's files (relative paths) and the example's training data (a CSV of 400 rows). */
export function trainingExample(): { code: Record<string, string | Buffer>; data: Buffer } {
  return {
    code: {
      'train.py': readFileSync(join(EXAMPLE, 'train.py')),
      'package.py': BOOT,
      'serving/customize_service.py': SERVICE,
      'serving/config.json': JSON.stringify(CONFIG, null, 2),
    },
    data: execFileSync('python3', [join(EXAMPLE, 'make_data.py'), '400']),
  };
}
