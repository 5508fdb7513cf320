"""The classifier as the application uses it: the active version, loaded once per process.

The process keeps the fitted model of the active :class:`ClassifierVersion` in memory and
asks the database at most every :data:`RECHECK_SECONDS` which version is active (one
indexed query); activating a version or editing a category in this process drops the
cache at once, other processes follow within the re-check interval.  Before any version
has been trained the model fitted on the shipped seed is used (built once per process).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from ..models import Category, ClassifierVersion
from .data import seed_examples
from .training import TrainedModel, fit

logger = logging.getLogger(__name__)

RECHECK_SECONDS = 5.0
#: How many suggestions the API gives (the issue asks for the top three).
SUGGESTIONS = 3


@dataclass(frozen=True)
class CategoryInfo:
    code: str
    unit: str
    name: str


@dataclass(frozen=True)
class Suggestion:
    category: str
    unit: str
    score: float
    name: str = ""


@dataclass
class _Loaded:
    version_id: int | None
    model: TrainedModel
    categories: dict[str, CategoryInfo]
    order: list[str]
    checked_at: float


_lock = threading.RLock()
_loaded: _Loaded | None = None
_seed_model: TrainedModel | None = None


def invalidate() -> None:
    """Forget the loaded model and categories (after an activation or a category edit)."""
    global _loaded
    with _lock:
        _loaded = None


def seed_model() -> TrainedModel:
    """The model fitted on the shipped seed alone (once per process)."""
    global _seed_model
    with _lock:
        if _seed_model is None:
            _seed_model = fit(seed_examples())
        return _seed_model


def _active_categories() -> tuple[dict[str, CategoryInfo], list[str]]:
    rows = list(
        Category.objects.filter(is_active=True)
        .order_by("order", "code")
        .values_list("code", "responsible_unit", "name")
    )
    return {code: CategoryInfo(code, unit, name) for code, unit, name in rows}, [r[0] for r in rows]


def _load_model(version_id: int | None) -> TrainedModel:
    if version_id is None:
        return seed_model()
    blob = ClassifierVersion.objects.filter(pk=version_id).values_list("model_blob", flat=True).first()
    if blob is None:
        return seed_model()
    try:
        return TrainedModel.loads(blob)
    except Exception:  # a model saved by an incompatible release: keep classifying with the seed
        logger.exception("classifier version %s could not be loaded; using the seed model", version_id)
        return seed_model()


def loaded() -> _Loaded:
    """The current model and categories, re-checked against the database every few seconds."""
    global _loaded
    now = time.monotonic()
    current = _loaded
    if current is not None and now - current.checked_at < RECHECK_SECONDS:
        return current
    with _lock:
        current = _loaded
        if current is not None and now - current.checked_at < RECHECK_SECONDS:
            return current
        active_id = ClassifierVersion.objects.filter(is_active=True).values_list("pk", flat=True).first()
        categories, order = _active_categories()
        if current is not None and current.version_id == active_id:
            model = current.model
        else:
            model = _load_model(active_id)
        _loaded = _Loaded(active_id, model, categories, order, now)
        return _loaded


def suggest(text: str, *, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """The best ``limit`` active categories for ``text``, best first, scores in 0..1.

    Categories the model does not know yet (added after its training) fill up the list
    with score 0 when fewer than ``limit`` known ones are active.
    """
    state = loaded()
    result: list[Suggestion] = []
    for scored in state.model.rank(text):
        info = state.categories.get(scored.code)
        if info is None:
            continue  # inactive, or unknown to this installation
        result.append(Suggestion(info.code, info.unit, min(max(scored.score, 0.0), 1.0), info.name))
        if len(result) == limit:
            return result
    chosen = {s.category for s in result}
    for code in state.order:
        if len(result) == limit:
            break
        if code not in chosen:
            info = state.categories[code]
            result.append(Suggestion(info.code, info.unit, 0.0, info.name))
    return result


def warm_up() -> None:
    """Load the active model now (a worker or web process at start-up), not on the first request."""
    loaded()
