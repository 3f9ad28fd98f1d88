# The inference code of the image classifier (a ModelArts Scikit_Learn package): an image in, its
# label and the score of every class out, the guide's image classification answer.
import collections
import json
import os
import sys
import base64
import io

# No shared memory for joblib's process pool in the sandbox (see train.py).
os.environ.setdefault("JOBLIB_MULTIPROCESSING", "0")

import joblib  # noqa: E402

from model_service.python_model_service import XgSklServingBaseService  # noqa: E402

# features.py sits beside this file in model/.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from features import features  # noqa: E402


class ImageClassifierService(XgSklServingBaseService):
    def __init__(self, model_name, model_path):
        self.model_name = model_name
        self.model_path = model_path  # model/model.m: for Scikit_Learn the path is the model file
        self.model = joblib.load(model_path)

    def _preprocess(self, data):
        # multipart/form-data: {"images": {"a.png": <file>}}. A JSON body arrives as its text:
        # {"images": {"a.png": "<base64>"}} or {"images": "<base64>"}.
        if isinstance(data, (str, bytes, bytearray)):
            data = json.loads(data, object_pairs_hook=collections.OrderedDict)
        images = data.get("images")
        if images is None:
            raise ValueError('send the image as the form field or JSON key "images"')
        if not isinstance(images, dict):
            images = {"image": images}
        rows = []
        for content in images.values():
            if isinstance(content, str):
                content = io.BytesIO(base64.b64decode(content))
            rows.append(features(content))
        return rows

    def _inference(self, rows):
        return self.model.predict_proba(rows)

    def _postprocess(self, probabilities):
        classes = [str(c) for c in self.model.classes_]
        answers = []
        for p in probabilities:
            ranked = sorted(zip(classes, (float(x) for x in p)), key=lambda cs: -cs[1])
            answers.append({"predicted_label": ranked[0][0], "scores": [[c, round(s, 4)] for c, s in ranked]})
        return answers[0] if len(answers) == 1 else {"results": answers}
