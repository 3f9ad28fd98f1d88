# A ModelArts Scikit_Learn-style package whose "model" is a one-feature threshold kept in model.m
# (JSON), so it runs on a plain interpreter: _inference is overridden, no scikit-learn needed.
import json
import os

from model_service.python_model_service import XgSklServingBaseService


class ThresholdService(XgSklServingBaseService):
    def __init__(self, model_path):
        self.model_path = model_path
        with open(model_path) as f:
            self.rule = json.load(f)
        # Files next to the model are found from the model file's folder, as the guide shows.
        self.folder = os.path.dirname(os.path.realpath(model_path))

    def _preprocess(self, data):
        # XgSklServingBaseService hands a JSON request over as its text, as the guide's
        # Scikit_Learn example expects: the code parses it.
        if isinstance(data, str):
            return json.loads(data)["data"]["req_data"]
        # multipart/form-data: {"file field": {"name.json": <file io>}}, each file a JSON list of rows
        rows = []
        for files in data.values():
            if isinstance(files, dict):
                for content in files.values():
                    rows.extend(json.loads(content.read().decode("utf-8")))
        return rows

    def _inference(self, rows):
        r = self.rule
        return [r["above"] if float(row[r["feature"]]) > r["threshold"] else r["below"] for row in rows]

    def _postprocess(self, labels):
        return {"data": {"resp_data": [{"predict_result": label} for label in labels]}}
