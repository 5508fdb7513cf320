"""Reads of the catalogue (public) and what a resident's form starts with (一号申请)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from shequ.core.access import get_or_404

from ..eligibility import Verdict, evaluate, facts_of
from ..models import (
    ApplicationMaterial,
    Certificate,
    CertificateKind,
    ItemMaterial,
    ItemVersion,
    Material,
    MaterialSource,
    ServiceItem,
)
from ..services.common import person_for_resident
from ..services.materials import issued_certificates, on_file


def items_in_force(on: date | None = None) -> QuerySet[ServiceItem]:
    on = on or timezone.localdate()
    current = (
        ItemVersion.objects.filter(effective_from__lte=on).exclude(effective_to__lt=on).order_by("-version")
    )
    return (
        ServiceItem.objects.filter(versions__in=current)
        .distinct()
        .prefetch_related(Prefetch("versions", queryset=current, to_attr="current_versions"))
    )


def catalogue_search(q: str = "", category: str = "", on: date | None = None) -> QuerySet[ServiceItem]:
    """By name, keywords or category label (a plain contains test over each)."""
    from ..models import ServiceCategory

    qs = items_in_force(on)
    q = (q or "").replace("\x00", "").strip()
    if q:
        labels = [value for value, label in ServiceCategory.choices if q in str(label)]
        qs = qs.filter(Q(name__icontains=q) | Q(keywords__icontains=q) | Q(category__in=labels))
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("category", "order", "code")


def item_for(item_id: Any) -> ServiceItem:
    """Any catalogue item (also one no longer in force: its page says so)."""
    return get_or_404(ServiceItem.objects.all(), pk=item_id)


def version_detail(item: ServiceItem, on: date | None = None) -> ItemVersion | None:
    on = on or timezone.localdate()
    links = ItemMaterial.objects.select_related("material")
    return (
        ItemVersion.objects.filter(item=item, effective_from__lte=on)
        .exclude(effective_to__lt=on)
        .prefetch_related(Prefetch("item_materials", queryset=links))
        .order_by("-version")
        .first()
    )


@dataclass
class Prefill:
    """What the form starts with for a resident: registry facts, eligibility, materials on file."""

    person: Any = None
    community: Any = None
    household_kind: str = ""
    verdict: Verdict | None = None
    on_file: dict[int, ApplicationMaterial] = field(default_factory=dict)
    certificates: dict[int, Certificate] = field(default_factory=dict)
    supplied: set[int] = field(default_factory=set)

    @property
    def found(self) -> bool:
        return self.person is not None


def prefill_for(person: Any, version: ItemVersion | None) -> Prefill:
    if person is None:
        return Prefill()
    from ..services.common import community_of

    today = timezone.localdate()
    facts = facts_of(person, today)
    files = {row.material_id: row for row in on_file(person)}
    certs = issued_certificates(person)
    supplied: set[int] = set()
    if version is not None:
        for link in version.item_materials.all():
            mat = link.material
            if mat.source == MaterialSource.REGISTRY or (
                mat.source == MaterialSource.CERTIFICATE and mat.certificate_kind_id in certs
            ):
                supplied.add(mat.pk)
    return Prefill(
        person=person,
        community=community_of(person.grid),
        household_kind=facts.household_kind,
        verdict=evaluate(version.eligibility, facts) if version is not None else None,
        on_file=files,
        certificates=certs,
        supplied=supplied,
    )


def prefill_for_resident(user: Any, version: ItemVersion | None) -> Prefill:
    return prefill_for(person_for_resident(user), version)


def item_by_id(item_id: Any) -> ServiceItem | None:
    """A catalogue item by id, or None (the caller answers with a field message)."""
    return ServiceItem.objects.filter(pk=item_id).first()


def materials_by_ids(ids: Any) -> list[Material]:
    """The material definitions named by ``ids`` (unknown ids are simply absent)."""
    return list(Material.objects.filter(pk__in=list(ids)))


def listed_certificate_kinds() -> QuerySet[CertificateKind]:
    """The certificates on the list a community may issue (证明事项清单)."""
    return CertificateKind.objects.filter(on_list=True)
