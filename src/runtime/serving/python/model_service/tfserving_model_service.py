import os

from model_service.model_service import BaseService


class TfServingBaseService(BaseService):
    """TensorFlow SavedModel served with the serving signature unless _inference is overridden."""

    def _load(self):
        if getattr(self, "_tf_model", None) is None:
            import tensorflow as tf  # lazy: only this default path needs TensorFlow

            self._tf_model = tf.saved_model.load(self.model_path)
        return self._tf_model

    def _inference(self, data):
        model = self._load()
        fn = model.signatures["serving_default"]
        import tensorflow as tf

        outputs = fn(**{k: tf.constant(v) for k, v in data.items()})
        return {k: v.numpy().tolist() for k, v in outputs.items()}

    def model_dir(self):
        return os.path.abspath(self.model_path)
