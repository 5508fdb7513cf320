"""Learning from dispatches: labels, retraining as a job, versions and which one is used."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shequ.accounts.roles import Role
from shequ.appeals.classifier import runtime
from shequ.appeals.classifier.runtime import suggest
from shequ.appeals.models import Category, ClassifierVersion, ExampleSource, TrainingExample
from shequ.appeals.services import classifier_activate, classifier_retrain, record_dispatch_label
from shequ.appeals.tasks import retrain_classifier
from shequ.core.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_classifier")]

#: Matters this (imaginary) district dispatches differently from the catalogue's default:
#: clutter in stairwells and parking inside estates go to the property-management office,
#: square-dance music to the neighbourhood mediators.
LOCAL_PRACTICE = [
    ("楼道里堆了好多杂物，麻烦清一下", "HOU-PROP"),
    ("小区里面车子乱停，堵住了单元门口", "HOU-PROP"),
    ("广场舞音响太吵了，每天晚上都跳", "DSP-NEIGH"),
    ("楼下的路灯坏了", "HOU-PROP"),
    ("遛狗不牵绳，吓到小孩", "HOU-PROP"),
]


def _category(code: str) -> Category:
    return Category.objects.get(code=code)


def test_corrected_dispatches_rank_first_after_a_retrain(personas: dict[str, Any]) -> None:
    dispatcher = personas[Role.STREET_STAFF]
    admin = personas[Role.DISTRICT_ADMIN]
    before = {text: suggest(text)[0].category for text, _code in LOCAL_PRACTICE}
    for text, code in LOCAL_PRACTICE:
        assert before[text] != code, f"the seed model already says {code} for {text!r}"
    for case_id, (text, code) in enumerate(LOCAL_PRACTICE, start=1001):
        record_dispatch_label(
            actor=dispatcher, text=text, category=_category(code), case_id=case_id, corrected=True
        )

    number = retrain_classifier.run(actor_id=admin.pk, reason="按本区派单习惯更正")

    version = ClassifierVersion.objects.get(version=number)
    assert version.is_active
    assert version.learned_count == len(LOCAL_PRACTICE)
    assert version.eval_count >= 1000
    assert 0.8 <= version.top1 <= version.top3 <= 1.0
    for text, code in LOCAL_PRACTICE:
        ranked = suggest(text)
        assert ranked[0].category == code, (text, [(s.category, s.score) for s in ranked])
    # the rest of the catalogue still works
    assert suggest("电梯困人了")[0].category == "HOU-ELEV"
    assert suggest("工地半夜打桩吵得睡不着")[0].category == "ENV-NOISE"
    trained = AuditEntry.objects.get(action="appeals.classifier.train")
    assert trained.actor == admin
    assert trained.reason == "按本区派单习惯更正"
    assert trained.changes["learned"] == len(LOCAL_PRACTICE)


def test_versions_are_numbered_and_one_is_active(personas: dict[str, Any]) -> None:
    admin = personas[Role.CITY_ADMIN]
    first = classifier_retrain(actor=admin)
    assert (first.version, first.is_active) == (1, True)
    assert runtime.loaded().version_id == first.pk
    text, code = LOCAL_PRACTICE[0]
    record_dispatch_label(actor=admin, text=text, category=_category(code), corrected=True)
    second = classifier_retrain(actor=admin)
    first.refresh_from_db()
    assert (second.version, second.is_active, first.is_active) == (2, True, False)
    assert runtime.loaded().version_id == second.pk
    assert suggest(text)[0].category == code
    # roll back: the old version is used again at once in this process
    classifier_activate(actor=admin, version=first, reason="回退")
    assert list(ClassifierVersion.objects.filter(is_active=True).values_list("version", flat=True)) == [1]
    assert runtime.loaded().version_id == first.pk
    assert suggest(text)[0].category != code
    # trained but not activated: stays a candidate
    third = classifier_retrain(actor=admin, activate=False)
    assert not third.is_active
    assert runtime.loaded().version_id == first.pk
    assert AuditEntry.objects.filter(action="appeals.classifier.activate").count() == 3


def test_an_unloadable_model_falls_back_to_the_seed(personas: dict[str, Any]) -> None:
    version = classifier_retrain(actor=None)
    ClassifierVersion.objects.filter(pk=version.pk).update(model_blob=b"not a model")
    runtime.invalidate()
    assert runtime.loaded().model is runtime.seed_model()
    assert suggest("井盖没了")[0].category == "INF-ROAD"


def test_only_managers_retrain_or_activate(personas: dict[str, Any]) -> None:
    version = classifier_retrain(actor=None)  # the system (scheduled job)
    for role in (Role.GRID_WORKER, Role.STREET_STAFF, Role.DEPARTMENT_HANDLER, "resident"):
        with pytest.raises(PermissionDenied):
            classifier_retrain(actor=personas[role])
        with pytest.raises(PermissionDenied):
            classifier_activate(actor=personas[role], version=version)
    assert ClassifierVersion.objects.count() == 1


def test_a_dispatch_label_per_case_replaces_the_earlier_one(personas: dict[str, Any]) -> None:
    dispatcher = personas[Role.STREET_STAFF]
    first = record_dispatch_label(
        actor=dispatcher,
        text="路边摊占道，电话13912345678",
        category=_category("ENV-STALL"),
        case_id=7,
        corrected=False,
    )
    assert first.source == ExampleSource.CONFIRMED
    assert "13912345678" not in first.text
    assert "〔号码〕" in first.text
    again = record_dispatch_label(
        actor=dispatcher, text="路边摊占道", category=_category("SAF-TRAFFIC"), case_id=7, corrected=True
    )
    assert again.pk == first.pk
    assert TrainingExample.objects.count() == 1
    assert (again.category.code, again.source, again.created_by) == ("SAF-TRAFFIC", "corrected", dispatcher)
    record_dispatch_label(
        actor=dispatcher, text="路边摊占道", category=_category("ENV-STALL"), corrected=False
    )
    assert TrainingExample.objects.count() == 2
    entries = AuditEntry.objects.filter(action="appeals.classifier.label").order_by("id")
    assert [e.changes["category"] for e in entries] == ["ENV-STALL", "SAF-TRAFFIC", "ENV-STALL"]
    assert all("13912345678" not in json.dumps(e.changes, ensure_ascii=False) for e in entries)


def test_bad_labels_write_nothing(personas: dict[str, Any]) -> None:
    dispatcher = personas[Role.STREET_STAFF]
    Category.objects.filter(code="SOC-BURIAL").update(is_active=False)
    with pytest.raises(ValidationError) as caught:
        record_dispatch_label(actor=dispatcher, text="  ", category=_category("SOC-BURIAL"), corrected=True)
    assert set(caught.value.message_dict) == {"text", "category"}
    with pytest.raises(ValidationError) as caught:
        record_dispatch_label(
            actor=dispatcher, text="坟" * 10_001, category=_category("ENV-WASTE"), corrected=True
        )
    assert set(caught.value.message_dict) == {"text"}
    assert not TrainingExample.objects.exists()
    assert not AuditEntry.objects.filter(action="appeals.classifier.label").exists()
