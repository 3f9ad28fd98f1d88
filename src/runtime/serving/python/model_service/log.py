"""The guide's `model_service.log` (and top-level `log`): loggers whose records go to the
instance's log, which the service owner reads through Atelier."""
import logging
import sys

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def getLogger(name=None):
    root = logging.getLogger()
    if not any(getattr(h, "_atelier", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler._atelier = True
        root.addHandler(handler)
        if root.level == logging.WARNING:
            root.setLevel(logging.INFO)
    return logging.getLogger(name)
