"""Factories for the one-window tests, the access matrix and the demo (rows written directly)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from .models import Application, ApplicationMaterial, ApplyChannel, ItemVersion, Material, ServiceItem, Status
from .seeding import seed_catalogue


def ensure_catalogue() -> None:
    """The seeded catalogue (a flushed test database lacks it)."""
    seed_catalogue()


def item(code: str) -> ServiceItem:
    ensure_catalogue()
    return ServiceItem.objects.get(code=code)


def current_version(code: str) -> ItemVersion:
    return ItemVersion.objects.filter(item__code=code).order_by("-version").first()  # type: ignore[return-value]


def make_applicant(
    grid: Any,
    *,
    name: str = "王秀英",
    phone: str = "13951000101",
    birth: date = date(1945, 3, 17),
    seq: int = 2,
    home_area: Any = None,
    household_kind: str = "registered",
    with_account: bool = True,
) -> tuple[Any, Any]:
    """A registry person in a household and, with ``with_account``, a resident account that matches them."""
    from shequ.demo.factories import make_citizen_id, make_household, make_person, make_resident

    number = make_citizen_id("320102", birth, seq)
    person = make_person(grid, name, id_number=number, phone=phone)
    make_household(grid, head=person, kind=household_kind)
    user = None
    if with_account:
        user = make_resident(phone, home_area=home_area or grid.parent, display_name=name, id_number=number)
    return person, user


def make_application(
    person: Any,
    *,
    code: str = "meal-aid",
    resident: Any = None,
    status: str = Status.SUBMITTED,
    number: str | None = None,
    with_file: bool = False,
) -> Application:
    """An application row as the service would leave it (no audit entry, no SMS)."""
    from .services.common import community_of

    version = current_version(code) if ServiceItem.objects.filter(code=code).exists() else None
    if version is None:
        ensure_catalogue()
        version = current_version(code)
    app = Application(
        number=number or f"T{timezone.now():%Y%m%d}{Application.objects.count() + 1:05d}",
        item=version.item,
        version=version,
        area=community_of(person.grid),
        person=person,
        applicant_name=person.name,
        resident=resident,
        channel=ApplyChannel.ONLINE if resident else ApplyChannel.WINDOW,
        status=status,
    )
    app.applicant_id_number = person.id_number.plaintext_for_processing() if person.id_number else None
    app.applicant_phone = person.phone.plaintext_for_processing() if person.phone else None
    app.save()
    if with_file:
        from django.core.files.base import ContentFile

        row = ApplicationMaterial(
            application=app,
            material=Material.objects.get(code="id_card"),
            source="upload",
            original_name="id.pdf",
            content_type="application/pdf",
        )
        row.file.save("matrix.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        row.size = row.file.size
        row.save()
    return app


def make_certificate(person: Any, *, kind: str = "residence", purpose: str = "子女入学") -> Any:
    from .models import CertificateKind
    from .services.certificates import _issue
    from .services.common import community_of

    ensure_catalogue()
    return _issue(
        actor=None,
        kind=CertificateKind.objects.get(code=kind),
        person=person,
        area=community_of(person.grid),
        purpose=purpose,
        key=None,
    )
