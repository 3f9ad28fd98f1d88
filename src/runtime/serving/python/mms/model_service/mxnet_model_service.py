from model_service.model_service import BaseService


class MXNetBaseService(BaseService):
    """MXNet: the user's code binds the module (mxnet imported by that code, not here)."""

    def _inference(self, data):
        module = getattr(self, "mx_model", None)
        if module is None:
            raise RuntimeError("MXNetBaseService: set self.mx_model in __init__ or override _inference")
        import mxnet as mx  # lazy

        batch = mx.io.DataBatch([mx.nd.array(v) for v in data.values()])
        module.forward(batch)
        return {"outputs": [o.asnumpy().tolist() for o in module.get_outputs()]}
