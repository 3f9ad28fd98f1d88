from model_service.model_service import BaseService


class SparkServingBaseService(BaseService):
    """Spark_MLlib: self.spark is created on first use (pyspark imported lazily)."""

    @property
    def spark(self):
        if getattr(self, "_spark", None) is None:
            from pyspark.sql import SparkSession  # lazy

            self._spark = SparkSession.builder.appName("atelier-model").getOrCreate()
        return self._spark

    def _inference(self, data):
        raise NotImplementedError("SparkServingBaseService needs _inference in customize_service.py")
