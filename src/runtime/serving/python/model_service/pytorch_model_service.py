from model_service.model_service import BaseService


class PTServingBaseService(BaseService):
    """PyTorch: the user's code loads the network; the default _inference calls it on each input."""

    def _inference(self, data):
        import torch  # lazy

        model = getattr(self, "model", None)
        if model is None:
            raise RuntimeError("PTServingBaseService: set self.model in __init__ or override _inference")
        with torch.no_grad():
            return {k: model(torch.as_tensor(v)).tolist() for k, v in data.items()}
