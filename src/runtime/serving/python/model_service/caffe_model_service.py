from model_service.model_service import BaseService


class CaffeBaseService(BaseService):
    """Caffe: the user's code loads the net (caffe imported by that code, not here)."""

    def _inference(self, data):
        net = getattr(self, "net", None)
        if net is None:
            raise RuntimeError("CaffeBaseService: set self.net in __init__ or override _inference")
        for k, v in data.items():
            net.blobs[k].data[...] = v
        out = net.forward()
        return {k: v.tolist() for k, v in out.items()}
