"""Writes of the routing model: train a version (and promote it when not worse), record examples.

Training runs outside any transaction (it takes a minute); only storing the version and promoting it
is atomic, under a lock on the active row so two trainings never both become active.
"""

import hashlib
import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError
from grids.models import Unit
from grievance.models import Complaint, ComplaintEvent, Matter
from grievance.models.routing import RoutingExample, RoutingExampleKind, RoutingModel
from grievance.routing_model.corpus import Corpus, shared_corpus
from grievance.routing_model.selectors import routing_examples_docs, routing_tree_get

if TYPE_CHECKING:
    from grievance.routing_model.train import TrainParams

# numpy / scipy / scikit-learn / jieba are imported where a model is trained or loaded, so recording
# examples (the event pipeline) never depends on them.

COMPARED = ("accuracy", "top3_accuracy")


def promotion_tolerance() -> float:
    """How much worse (CV accuracy, top-3) a new version may be and still replace the active one."""
    return float(settings.GRIEVANCE.get("ROUTING_PROMOTION_TOLERANCE", 0.0))


def evaluation_not_worse(new: dict, old: dict, *, tolerance: float = 0.0) -> bool:
    """True when ``new`` is at least as good as ``old`` on every compared figure (within tolerance).
    A version without a stored evaluation is never better than one with."""
    if not old or not all(key in old for key in COMPARED):
        return True
    if not new or not all(key in new for key in COMPARED):
        return False
    return all(float(new[key]) >= float(old[key]) - tolerance for key in COMPARED)


def training_corpus(*, data_dir=None, limit: int | None = None) -> Corpus:
    """Shared messages (when the folder exists) plus every confirmed, corrected and returned dispatch."""
    data_dir = Path(data_dir or settings.SHARED_DATA_DIR)
    corpus = shared_corpus(data_dir, limit=limit) if data_dir.is_dir() else Corpus()
    positives, negatives = routing_examples_docs()
    corpus.labelled += positives
    corpus.negatives += negatives
    return corpus


def _fingerprint(*, corpus: Corpus, data_dir: Path, params: "TrainParams", limit, cv: int) -> str:
    """Same data, tree and settings → same fingerprint: a replayed nightly run trains nothing."""
    files = (
        sorted(
            (p.name, p.stat().st_size, int(p.stat().st_mtime)) for p in (data_dir / "messages").glob("*.csv")
        )
        if (data_dir / "messages").is_dir()
        else []
    )
    examples = RoutingExample.objects.aggregate(n=Count("id"), last=Max("id"))
    matters = Matter.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    payload = [files, examples, str(matters), corpus.counts(), asdict(params), limit, cv]
    return hashlib.sha256(json.dumps(payload, default=str, sort_keys=True).encode()).hexdigest()[:16]


def routing_model_train(
    *,
    data_dir=None,
    cv: int = 5,
    force: bool = False,
    limit: int | None = None,
    params: "TrainParams | None" = None,
    note: str = "",
) -> RoutingModel:
    """Train a new version on all data, evaluate it by ``cv``-fold cross-validation and promote it
    when its evaluation is not worse than the active version's (always when ``force``).

    Idempotent: when nothing changed since the latest version (same data, tree and settings), that
    version is returned and nothing is trained."""
    from grievance.routing_model import train

    if cv and cv < 2:
        raise ApplicationError(_("交叉验证折数至少为2"), errors={"cv": [_("交叉验证折数至少为2")]})
    tree = routing_tree_get()
    if not tree.leaves:
        raise ApplicationError(_("职责清单为空，请先导入事项"), errors={"matters": [_("没有启用的小类事项")]})
    corpus = training_corpus(data_dir=data_dir, limit=limit)
    if not corpus.labelled and not corpus.unlabelled:
        raise ApplicationError(_("没有训练数据"), errors={"data_dir": [_("未找到留言数据或派单样本")]})
    params = params or train.TrainParams()
    data_dir = Path(data_dir or settings.SHARED_DATA_DIR)
    fingerprint = _fingerprint(corpus=corpus, data_dir=data_dir, params=params, limit=limit, cv=cv)
    latest = RoutingModel.objects.order_by("-version").first()
    if not force and latest is not None and latest.trained_on.get("fingerprint") == fingerprint:
        return latest
    started = time.perf_counter()
    prep = train.prepare(corpus, tree)
    evaluation: dict = {}
    if cv and len(corpus.labelled) >= cv:
        cv_started = time.perf_counter()
        evaluation = train.cross_validate(prep, params, k=cv)
        evaluation["cv_seconds"] = round(time.perf_counter() - cv_started, 1)
        params.top.calibration = evaluation["calibration"]
    fit_started = time.perf_counter()
    artefact = train.fit(corpus, tree, params, prep=prep)
    artefact.trained_on["fingerprint"] = fingerprint
    train_seconds = time.perf_counter() - fit_started + prep.seconds
    evaluation["train_seconds"] = round(train_seconds, 1)
    evaluation["total_seconds"] = round(time.perf_counter() - started, 1)
    return _version_store(
        artefact=artefact, evaluation=evaluation, force=force, note=note, seconds=train_seconds
    )


@transaction.atomic
def _version_store(*, artefact, evaluation: dict, force: bool, note: str, seconds: float) -> RoutingModel:
    from grievance.routing_model import store

    active = RoutingModel.objects.select_for_update().filter(is_active=True).first()
    version = (RoutingModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    relative = store.artefact_save(artefact, version=version)
    transaction.on_commit(store.active_cache_clear)
    model = RoutingModel.objects.create(
        version=version,
        trained_on=artefact.trained_on,
        evaluation=evaluation,
        artefact_path=relative,
        train_seconds=round(seconds, 2),
        note=note[:255],
    )
    promote = (
        force
        or active is None
        or evaluation_not_worse(evaluation, active.evaluation, tolerance=promotion_tolerance())
    )
    if promote:
        _activate(model, previous=active)
    return model


def _activate(model: RoutingModel, *, previous: RoutingModel | None) -> None:
    if previous is not None and previous.pk != model.pk:
        previous.is_active = False
        previous.save(update_fields=["is_active"])
    model.is_active, model.promoted_at = True, timezone.now()
    model.save(update_fields=["is_active", "promoted_at"])


@transaction.atomic
def routing_model_promote(*, version: int) -> RoutingModel:
    """Make ``version`` the active model by hand (a rollback, or a forced promotion)."""
    from grievance.routing_model import store

    model = RoutingModel.objects.select_for_update().filter(version=version).first()
    if model is None:
        raise ApplicationError(_("模型版本不存在"), errors={"version": [_("模型版本不存在")]})
    if not (store.models_root() / model.artefact_path).is_file():
        raise ApplicationError(_("模型文件不存在"), errors={"version": [_("模型文件不存在")]})
    active = RoutingModel.objects.select_for_update().filter(is_active=True).first()
    _activate(model, previous=active)
    transaction.on_commit(store.active_cache_clear)
    return model


# --- examples from the dispatchers' decisions ----------------------------------------------------------


@transaction.atomic
def routing_example_record(
    *,
    complaint: Complaint,
    unit: Unit | None,
    matter: Matter | None,
    confirmed: bool,
    event: ComplaintEvent | None = None,
    returned: bool = False,
) -> RoutingExample:
    """Store what a dispatcher decided for the complaint's text (one row per event: idempotent)."""
    if matter is not None and matter.level != 3:
        raise ApplicationError(
            _("请选择小类事项"), errors={"matter": [_("请选择小类事项（职责清单第三级）")]}
        )
    if returned:
        kind = RoutingExampleKind.RETURNED
    else:
        kind = RoutingExampleKind.CONFIRMED if confirmed else RoutingExampleKind.CORRECTED
    values = {
        "complaint": complaint,
        "kind": kind,
        "title": complaint.title,
        "text": complaint.description,
        "matter": matter,
        "unit": unit,
    }
    if event is None:
        return RoutingExample.objects.create(**values)
    example, _created = RoutingExample.objects.get_or_create(event=event, defaults=values)
    return example


def routing_example_from_event(*, event: ComplaintEvent) -> RoutingExample | None:
    """A dispatch by a person (not the system) or a return becomes a training example; others: None.

    Dispatch: confirmed when the unit is the one the complaint's matter rule names, else corrected —
    the matter then is the one the model ranks best among those whose rule names the chosen unit.
    Return: negative evidence for the complaint's matter at the returning unit."""
    from grievance.services.routing import matter_for_unit, matter_unit

    complaint = event.complaint
    unit_code = (event.payload or {}).get("unit")
    unit = Unit.objects.filter(code=unit_code).first() if unit_code else None
    if event.action == "return":
        return routing_example_record(
            complaint=complaint,
            unit=unit,
            matter=complaint.matter,
            confirmed=False,
            event=event,
            returned=True,
        )
    if event.action != "dispatch" or event.actor_id is None or unit is None:
        return None
    expected = matter_unit(complaint=complaint) if complaint.matter_id else None
    if expected is not None and expected.pk == unit.pk:
        return routing_example_record(
            complaint=complaint, unit=unit, matter=complaint.matter, confirmed=True, event=event
        )
    matter = matter_for_unit(complaint=complaint, unit=unit)
    return routing_example_record(complaint=complaint, unit=unit, matter=matter, confirmed=False, event=event)
