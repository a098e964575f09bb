"""Model artefacts on disk (``VAR_DIR/models/routing/``) and the active model cached per process.

The cache asks the database which version is active at most every ``ROUTING_MODEL_CHECK_SECONDS``
(default 5): a promotion reaches every web and worker process within seconds without a query per
suggestion. A missing or unreadable artefact is logged and treated as "no model" (the simple matcher
answers), never as an error to the citizen.
"""

import logging
import threading
import time
from pathlib import Path

import joblib
from django.conf import settings

from grievance.routing_model.model import RoutingArtefact

logger = logging.getLogger(__name__)
SUBDIR = "routing"


def models_root() -> Path:
    return Path(settings.VAR_DIR) / "models"


def artefact_save(artefact: RoutingArtefact, *, version: int) -> str:
    """Write the artefact; returns its path relative to ``models_root()``."""
    relative = f"{SUBDIR}/routing-v{version}.joblib"
    path = models_root() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    joblib.dump(artefact, tmp, compress=3)
    tmp.replace(path)  # atomic: a reader never sees half a file
    return relative


def artefact_load(relative: str) -> RoutingArtefact:
    return joblib.load(models_root() / relative)


def artefact_delete(relative: str) -> None:
    (models_root() / relative).unlink(missing_ok=True)


class _Active:
    def __init__(self):
        self.lock = threading.Lock()
        self.version: int | None = None
        self.artefact: RoutingArtefact | None = None
        self.checked_at = 0.0


_active = _Active()


def _check_seconds() -> float:
    return float(settings.GRIEVANCE.get("ROUTING_MODEL_CHECK_SECONDS", 5.0))


def active_artefact() -> RoutingArtefact | None:
    """The active model's artefact, or None when no model was promoted yet (or its file is gone)."""
    from grievance.models.routing import RoutingModel

    now = time.monotonic()
    if now - _active.checked_at < _check_seconds():
        return _active.artefact
    with _active.lock:
        row = RoutingModel.objects.filter(is_active=True).values_list("version", "artefact_path").first()
        version, relative = row if row else (None, None)
        if version != _active.version:
            artefact = None
            if relative:
                try:
                    artefact = artefact_load(relative)
                except (OSError, EOFError, ValueError, ImportError, AttributeError):
                    logger.exception("routing model v%s: artefact %s unreadable", version, relative)
            _active.version, _active.artefact = version, artefact
        _active.checked_at = now
        return _active.artefact


def active_cache_clear() -> None:
    """Forget the cached model (tests; right after a promotion in this process)."""
    with _active.lock:
        _active.version, _active.artefact, _active.checked_at = None, None, 0.0
