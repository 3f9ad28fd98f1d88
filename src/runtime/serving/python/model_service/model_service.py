"""Base classes of ModelArts inference code: a request goes through _preprocess, _inference and
_postprocess. Frameworks are imported lazily, only by the default methods that need them, so a
package that overrides _inference runs on an interpreter without its framework."""
import logging

logger = logging.getLogger(__name__)


class BaseService(object):
    # What _preprocess gets for a JSON request: the parsed body (False), or the body's JSON text
    # (True), as the guide's example for each base class expects. A multipart/form-data request
    # always arrives as {field: {file name: file object}} (plain fields as {field: text}).
    json_body_as_text = False

    def __init__(self, model_name=None, model_path=None):
        self.model_name = model_name
        self.model_path = model_path

    def _preprocess(self, data):
        return data

    def _inference(self, data):
        return data

    def _postprocess(self, data):
        return data

    def inference(self, data):
        pre = self._preprocess(data)
        out = self._inference(pre)
        return self._postprocess(out)

    def ping(self):
        return True


class SingleNodeService(BaseService):
    """MindSpore's base class: the user's code loads and runs the network itself."""

    def _inference(self, data):
        raise NotImplementedError("SingleNodeService needs _inference in customize_service.py")
