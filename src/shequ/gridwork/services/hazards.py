"""Hazard checks on checklists; findings rectified and verified."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.audit import record
from shequ.core.models import Area
from shequ.registry.models import Building, Household, Place

from .. import policy
from ..models import ChecklistItem, CheckResult, Finding, FindingStatus, HazardCheck, ItemResult, Severity
from ..photos import PhotoUpload
from .common import (
    Errors,
    check_photos,
    create_once,
    moment,
    parse_key,
    raise_if,
    replay,
    require_staff,
    require_write,
    save_photos,
    text,
    writable_grid,
)

MAX_FINDINGS = 30


@dataclass
class ResultInput:
    item: ChecklistItem | None
    result: str
    note: str = ""


@dataclass
class FindingInput:
    description: str
    severity: str = Severity.LOW
    item: ChecklistItem | None = None
    due_on: date | None = None
    photo: PhotoUpload | None = None


def default_due(severity: str, on: date) -> date:
    return on + timedelta(days=policy.FINDING_DUE_DAYS.get(severity, policy.FINDING_DUE_DAYS[Severity.LOW]))


def _target(errors: Errors, grid: Area | None, field: str, obj: Any) -> None:
    if obj is not None and grid is not None and obj.grid_id != grid.pk:
        errors[field] = _("所选对象不在该网格内。")


def _results(errors: Errors, results: Sequence[ResultInput]) -> list[ResultInput]:
    if not results:
        errors["results"] = _("请至少填写一项检查结果。")
        return []
    seen: set[int] = set()
    clean = []
    for i, r in enumerate(results):
        if r.item is None or not r.item.active:
            errors[f"results.{i}.item"] = _("未找到该检查项。")
            continue
        if r.item.pk in seen:
            errors[f"results.{i}.item"] = _("检查项重复。")
        seen.add(r.item.pk)
        if r.result not in ItemResult.values:
            errors[f"results.{i}.result"] = _("请选择合格、不合格或不适用。")
        note = text(errors, f"results.{i}.note", r.note, max_length=200)
        clean.append(ResultInput(r.item, r.result, note))
    return clean


def _findings(
    errors: Errors, findings: Sequence[FindingInput], results: list[ResultInput], on: date
) -> list[tuple[FindingInput, Any]]:
    """Findings as given, plus one for every failed item that has none; with their photos checked."""
    if len(findings) > MAX_FINDINGS:
        errors["findings"] = _("每次排查最多登记%(n)d处隐患。") % {"n": MAX_FINDINGS}
        return []
    answered = {r.item.pk for r in results if r.item is not None}
    clean: list[tuple[FindingInput, Any]] = []
    for i, f in enumerate(findings):
        prefix = f"findings.{i}"
        if f.severity not in Severity.values:
            errors[f"{prefix}.severity"] = _("请选择隐患等级。")
        if f.item is not None and f.item.pk not in answered:
            errors[f"{prefix}.item"] = _("隐患对应的检查项不在本次检查中。")
        description = text(errors, f"{prefix}.description", f.description, max_length=500)
        if not description and f.item is not None:
            description = f.item.text
        if not description:
            errors[f"{prefix}.description"] = _("请描述隐患。")
        due = f.due_on or default_due(f.severity, on)
        if due < on:
            errors[f"{prefix}.due_on"] = _("整改期限不能早于检查日期。")
        photo = check_photos(errors, [f.photo], field=f"{prefix}.photo") if f.photo is not None else []
        clean.append((FindingInput(description, f.severity, f.item, due, None), photo))
    covered = {f.item.pk for f, _photo in clean if f.item is not None}
    for r in results:
        if r.result == ItemResult.FAIL and r.item is not None and r.item.pk not in covered:
            text_ = f"{r.item.text}：{r.note}" if r.note else r.item.text
            clean.append((FindingInput(text_[:500], Severity.LOW, r.item, default_due(Severity.LOW, on)), []))
    return clean


@transaction.atomic
def hazard_check_create(
    *,
    actor: Any,
    key: uuid.UUID | str,
    grid: Area | None,
    results: Sequence[ResultInput],
    findings: Sequence[FindingInput] = (),
    place: Place | None = None,
    building: Building | None = None,
    household: Household | None = None,
    location: str = "",
    checked_at: datetime | None = None,
    notes: str = "",
    photos: Sequence[PhotoUpload] = (),
) -> tuple[HazardCheck, bool]:
    """Record a check once per ``key``; every failed item without a finding gets one (一般, default due)."""
    require_staff(actor)
    errors: Errors = {}
    parsed_key = parse_key(errors, key)
    raise_if(errors)
    assert parsed_key is not None
    existing = replay(HazardCheck, parsed_key, actor)
    if existing is not None:
        return existing, False
    grid = writable_grid(errors, actor, grid)
    _target(errors, grid, "place", place)
    _target(errors, grid, "building", building)
    _target(errors, grid, "household", household)
    location = text(errors, "location", location, max_length=200)
    when = moment(errors, "checked_at", checked_at)
    notes = text(errors, "notes", notes, max_length=2000)
    clean_results = _results(errors, results)
    clean_findings = _findings(errors, findings, clean_results, timezone.localdate(when))
    cleaned_photos = check_photos(errors, list(photos))
    raise_if(errors)
    assert grid is not None

    def build() -> HazardCheck:
        check = HazardCheck.objects.create(
            key=parsed_key,
            grid=grid,
            place=place,
            building=building,
            household=household,
            location=location,
            checked_at=when,
            worker=actor,
            notes=notes,
        )
        CheckResult.objects.bulk_create(
            [
                CheckResult(check_record=check, item=r.item, result=r.result, note=r.note)
                for r in clean_results
            ]
        )
        made = []
        for f, photo in clean_findings:
            assert f.due_on is not None
            finding = Finding.objects.create(
                check_record=check,
                grid=grid,
                item=f.item,
                description=f.description,
                severity=f.severity,
                due_on=f.due_on,
            )
            save_photos(photo, actor=actor, grid=grid, finding=finding)
            made.append(finding)
        saved = save_photos(cleaned_photos, actor=actor, grid=grid, check_record=check)
        record(
            actor=actor,
            action="gridwork.check.create",
            obj=check,
            changes={
                "checked_at": when,
                "place": place,
                "building": building,
                "household": household,
                "results": {str(r.item.pk): r.result for r in clean_results if r.item is not None},
                "findings": [f.pk for f in made],
                "photos": [p.pk for p in saved],
            },
        )
        return check

    return create_once(HazardCheck, parsed_key, actor, build)


@transaction.atomic
def finding_rectify(*, actor: Any, finding: Finding, note: str, photo: PhotoUpload | None = None) -> Finding:
    """An open finding is reported rectified (with what was done, and a photo if taken)."""
    require_staff(actor)
    require_write(actor, finding.grid)
    errors: Errors = {}
    if finding.status != FindingStatus.OPEN:
        errors["status"] = _("只有待整改的隐患可以登记整改。")
    note = text(errors, "note", note, max_length=1000, required=True)
    cleaned = check_photos(errors, [photo], field="photo") if photo is not None else []
    raise_if(errors)
    finding.status = FindingStatus.RECTIFIED
    finding.rectified_at = timezone.now()
    finding.rectified_by = actor
    finding.rectify_note = note
    finding.save(update_fields=["status", "rectified_at", "rectified_by", "rectify_note", "updated_at"])
    saved = save_photos(cleaned, actor=actor, grid=finding.grid, finding=finding)
    record(
        actor=actor,
        action="gridwork.finding.rectify",
        obj=finding,
        changes={"status": finding.status, "note": note, "photos": [p.pk for p in saved]},
    )
    return finding


@transaction.atomic
def finding_verify(*, actor: Any, finding: Finding, passed: bool, note: str = "") -> Finding:
    """Someone other than who reported the rectification checks it: verified, or back to open."""
    require_staff(actor)
    require_write(actor, finding.grid)
    errors: Errors = {}
    if finding.status != FindingStatus.RECTIFIED:
        errors["status"] = _("只有已整改的隐患可以复核。")
    elif finding.rectified_by_id == getattr(actor, "pk", None):
        errors["status"] = _("整改登记人不能复核自己登记的整改，请由网格长或社区工作人员复核。")
    note = text(errors, "note", note, max_length=1000, required=not passed)
    raise_if(errors)
    if passed:
        finding.status = FindingStatus.VERIFIED
        finding.verified_at = timezone.now()
        finding.verified_by = actor
    else:
        finding.status = FindingStatus.OPEN
    finding.verify_note = note
    finding.save(update_fields=["status", "verified_at", "verified_by", "verify_note", "updated_at"])
    record(
        actor=actor,
        action="gridwork.finding.verify" if passed else "gridwork.finding.reopen",
        obj=finding,
        changes={"status": finding.status, "note": note},
    )
    return finding


__all__ = [
    "FindingInput",
    "ResultInput",
    "default_due",
    "finding_rectify",
    "finding_verify",
    "hazard_check_create",
]
