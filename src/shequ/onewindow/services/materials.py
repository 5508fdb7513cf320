"""Attaching materials to an application: uploads, references to what is on file, platform supplies."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Application,
    ApplicationMaterial,
    Certificate,
    ItemMaterial,
    Material,
    MaterialSource,
    Status,
)
from ..uploads import Upload, check_upload

#: States whose materials the community accepted (and which may be reused later).
ACCEPTED_STATES = (Status.ACCEPTED, Status.IN_PROCESS, Status.APPROVED, Status.REJECTED, Status.DELIVERED)


def on_file(person: Any, *, exclude_application: Application | None = None) -> list[ApplicationMaterial]:
    """Materials of this person's earlier accepted applications that may be reused (newest per kind)."""
    qs = (
        ApplicationMaterial.objects.filter(
            application__person=person,
            application__status__in=ACCEPTED_STATES,
            superseded=False,
            material__reusable=True,
            material__source=MaterialSource.UPLOAD,
        )
        .exclude(file="")
        .select_related("material", "application")
        .order_by("material_id", "-added_at", "-id")
    )
    if exclude_application is not None:
        qs = qs.exclude(application=exclude_application)
    newest: dict[int, ApplicationMaterial] = {}
    for row in qs:
        newest.setdefault(row.material_id, row)
    return list(newest.values())


def issued_certificates(person: Any) -> dict[int, Certificate]:
    """The newest certificate of each kind issued to the person."""
    found: dict[int, Certificate] = {}
    for cert in Certificate.objects.filter(person=person).order_by("-issued_at", "-id"):
        found.setdefault(cert.kind_id, cert)
    return found


def check_uploads(uploads: Iterable[Upload], allowed: dict[int, Material]) -> list[tuple[Upload, Any]]:
    """Every upload checked before anything is written; one message per material."""
    errors: dict[str, str] = {}
    checked = []
    for upload in uploads:
        if upload.material_id not in allowed:
            errors["uploads"] = _("所上传的材料不属于本事项。")
            continue
        try:
            checked.append((upload, check_upload(upload.filename, upload.data)))
        except ValueError as exc:
            errors[f"material_{upload.material_id}"] = str(exc)
    if errors:
        raise ValidationError(errors)
    return checked


def reusable_rows(person: Any, ids: Iterable[int], allowed: dict[int, Material]) -> list[ApplicationMaterial]:
    wanted = {int(i) for i in ids}
    if not wanted:
        return []
    rows = {r.pk: r for r in on_file(person) if r.pk in wanted}
    if set(rows) != wanted or any(r.material_id not in allowed for r in rows.values()):
        raise ValidationError({"reuse": _("所引用的材料不存在或不能用于本事项。")})
    return list(rows.values())


class Attacher:
    """Collects the rows to write, writes files last, and removes them again if anything fails."""

    def __init__(self, app: Application) -> None:
        self.app = app
        self.saved_files: list[Any] = []

    def upload(self, upload: Upload, checked: Any) -> ApplicationMaterial:
        row = ApplicationMaterial(
            application=self.app,
            material_id=upload.material_id,
            source=upload.source,
            original_name=(upload.filename or "")[:120],
            content_type=checked.content_type,
            size=len(upload.data),
            sha256=checked.sha256,
        )
        row.file.save(f"{uuid.uuid4().hex}.{checked.extension}", ContentFile(upload.data), save=False)
        self.saved_files.append(row.file)
        row.save()
        return row

    def reuse(self, original: ApplicationMaterial) -> ApplicationMaterial:
        return ApplicationMaterial.objects.create(
            application=self.app,
            material_id=original.material_id,
            source="reuse",
            file=original.file.name,
            original_name=original.original_name,
            content_type=original.content_type,
            size=original.size,
            sha256=original.sha256,
            reused_from=original,
        )

    def supplied(self, link: ItemMaterial, certificate: Certificate | None = None) -> ApplicationMaterial:
        source = MaterialSource.CERTIFICATE if certificate is not None else MaterialSource.REGISTRY
        return ApplicationMaterial.objects.create(
            application=self.app, material=link.material, source=source, certificate=certificate
        )

    def commitment(self, link: ItemMaterial) -> ApplicationMaterial:
        return ApplicationMaterial.objects.create(
            application=self.app, material=link.material, source="commitment", added_at=timezone.now()
        )

    def discard(self) -> None:
        for stored in self.saved_files:
            with contextlib.suppress(OSError):
                stored.storage.delete(stored.name)
