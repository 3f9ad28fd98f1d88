"""`import log`, as the guide's PyTorch example writes it: the same loggers as model_service.log."""
from model_service.log import getLogger  # noqa: F401
