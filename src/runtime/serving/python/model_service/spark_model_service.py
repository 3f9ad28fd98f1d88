import collections
import json

from model_service.model_service import BaseService


class SparkServingBaseService(BaseService):
    """Spark_MLlib: self.spark is created on first use (pyspark imported lazily). As in the guide's
    example, a JSON request reaches _preprocess as its text."""

    json_body_as_text = True

    @property
    def spark(self):
        if getattr(self, "_spark", None) is None:
            from pyspark.sql import SparkSession  # lazy

            self._spark = SparkSession.builder.appName("atelier-model").getOrCreate()
        return self._spark

    def _preprocess(self, data):
        if isinstance(data, (str, bytes, bytearray)):
            return json.loads(data, object_pairs_hook=collections.OrderedDict)
        return data

    def _inference(self, data):
        raise NotImplementedError("SparkServingBaseService needs _inference in customize_service.py")
