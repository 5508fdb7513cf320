"""Learning from dispatches: labelled examples, retraining, activating a version."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.audit import record

from ..classifier import runtime
from ..classifier.data import Labelled, eval_examples, seed_examples
from ..classifier.training import CONFIRMED_WEIGHT, CORRECTED_WEIGHT, Accuracy, evaluate, fit
from ..models import MAX_TEXT_LENGTH, Category, ClassifierVersion, ExampleSource, TrainingExample
from . import _checks as c

#: Long digit runs (phone and ID numbers) never reach the training store.
_NUMBERS = re.compile(r"(?<![0-9A-Za-z])[0-9]{6,}[0-9Xx]?(?![0-9A-Za-z])")
NUMBER_MARK = "〔号码〕"
WEIGHTS: dict[str, float] = {
    ExampleSource.SEED: 1.0,
    ExampleSource.CONFIRMED: CONFIRMED_WEIGHT,
    ExampleSource.CORRECTED: CORRECTED_WEIGHT,
}


def scrub(text: str) -> str:
    """The text without phone and ID numbers (the classifier folds digits anyway)."""
    return _NUMBERS.sub(NUMBER_MARK, text)


@transaction.atomic
def record_dispatch_label(
    *, actor: Any, text: str, category: Category, case_id: int | None = None, corrected: bool
) -> TrainingExample:
    """Remember that ``text`` belongs to ``category`` (a dispatcher confirmed or corrected it).

    One example per case: labelling the same ``case_id`` again replaces its label, so a
    retried or repeated dispatch never counts twice.
    """
    errors: c.Errors = {}
    clean = c.text(errors, "text", text, max_length=MAX_TEXT_LENGTH, required=True)
    if not category.is_active:
        errors["category"] = _("该分类已停用。")
    if case_id is not None and not (0 < int(case_id) < 2**63):
        errors["case_id"] = _("案件编号无效。")
    c.raise_if(errors)
    source = ExampleSource.CORRECTED if corrected else ExampleSource.CONFIRMED
    actor_user = actor if c.is_staff(actor) else None
    example = None
    if case_id is not None:
        example = TrainingExample.objects.select_for_update().filter(case_id=case_id).first()
    if example is None:
        example = TrainingExample(case_id=case_id)
    example.text = scrub(clean)
    example.category = category
    example.source = source
    example.created_by = actor_user
    example.created_at = timezone.now()
    example.save()
    record(
        actor=actor,
        action="appeals.classifier.label",
        obj=example,
        object_repr=f"{category.code} ({source})",
        changes={"category": category.code, "source": str(source), "case_id": case_id},
    )
    return example


def training_set() -> list[Labelled]:
    """The shipped seed, then every recorded example weighted by where it came from."""
    rows = seed_examples()
    examples = TrainingExample.objects.select_related("category").order_by("id").iterator(chunk_size=2000)
    rows.extend(Labelled(e.text, e.category.code, weight=WEIGHTS.get(e.source, 1.0)) for e in examples)
    return rows


def _next_version() -> int:
    return int(ClassifierVersion.objects.aggregate(n=Max("version"))["n"] or 0) + 1


def _activate(*, actor: Any, version: ClassifierVersion, reason: str) -> None:
    ClassifierVersion.objects.filter(is_active=True).exclude(pk=version.pk).update(is_active=False)
    version.is_active = True
    version.save(update_fields=["is_active"])
    record(
        actor=actor,
        action="appeals.classifier.activate",
        obj=version,
        changes={"version": version.version, "top1": version.top1, "top3": version.top3},
        reason=reason,
    )
    transaction.on_commit(runtime.invalidate)
    runtime.invalidate()


def classifier_retrain(*, actor: Any = None, activate: bool = True, reason: str = "") -> ClassifierVersion:
    """Train a new version on the seed and every dispatch label, evaluate it, store it, activate it.

    The fitting runs outside any transaction (seconds); the new version is written, and
    activated, in one.  ``actor`` None is the system (the scheduled job).
    """
    c.require_manager(actor)
    errors: c.Errors = {}
    reason = c.text(errors, "reason", reason, max_length=500)
    c.raise_if(errors)
    examples = training_set()
    learned = len(examples) - len(seed_examples())
    model = fit(examples)
    accuracy: Accuracy = evaluate(model, eval_examples())
    blob = model.dumps()
    for attempt in range(3):
        try:
            with transaction.atomic():
                version = ClassifierVersion.objects.create(
                    version=_next_version(),
                    trained_by=actor if c.is_staff(actor) else None,
                    examples_count=len(examples),
                    learned_count=learned,
                    eval_count=accuracy.count,
                    top1=accuracy.top1,
                    top3=accuracy.top3,
                    model_blob=blob,
                )
                record(
                    actor=actor,
                    action="appeals.classifier.train",
                    obj=version,
                    changes={
                        "version": version.version,
                        "examples": version.examples_count,
                        "learned": version.learned_count,
                        "top1": accuracy.top1,
                        "top3": accuracy.top3,
                    },
                    reason=reason,
                )
                if activate:
                    _activate(actor=actor, version=version, reason=reason)
                return version
        except IntegrityError:  # two retrainings took the same number: take the next one
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def classifier_activate(*, actor: Any, version: ClassifierVersion, reason: str = "") -> ClassifierVersion:
    """Make ``version`` the one in use (roll back to an earlier one, or forward again)."""
    c.require_manager(actor)
    errors: c.Errors = {}
    reason = c.text(errors, "reason", reason, max_length=500)
    c.raise_if(errors)
    locked = ClassifierVersion.objects.select_for_update().get(pk=version.pk)
    if not locked.is_active:
        _activate(actor=actor, version=locked, reason=reason)
    return locked
