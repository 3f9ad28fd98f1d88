import collections
import json
import pickle

from model_service.model_service import BaseService


class XgSklServingBaseService(BaseService):
    """XGBoost / Scikit_Learn: model_path is the model file (.m, .pkl or .joblib). As in the guide's
    examples, a JSON request reaches _preprocess as its text: the code calls json.loads on it."""

    json_body_as_text = True

    def _load(self):
        if getattr(self, "_model", None) is None:
            path = self.model_path
            try:
                import joblib  # lazy

                self._model = joblib.load(path)
            except ImportError:
                with open(path, "rb") as f:
                    self._model = pickle.load(f)
        return self._model

    def _preprocess(self, data):
        if isinstance(data, (str, bytes, bytearray)):
            return json.loads(data, object_pairs_hook=collections.OrderedDict)
        return data

    def _inference(self, data):
        model = self._load()
        rows = data.get("data", {}).get("req_data", []) if isinstance(data, dict) else data
        features = [list(r.values()) if isinstance(r, dict) else r for r in rows]
        result = model.predict(features)
        result = result.tolist() if hasattr(result, "tolist") else list(result)
        return {"data": {"resp_data": [{"predict_result": r} for r in result]}}
