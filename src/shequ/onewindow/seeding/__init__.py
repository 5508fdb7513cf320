"""Seeding the catalogue, the materials and the certificate list (idempotent).

Called by the data migration (with historical models) and by tests and the demo after a
flush (with the real ones).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .items import HOURS, ITEMS, LOC
from .materials import CERTIFICATE_KINDS, LIST_RULE, MATERIALS

#: The date the seeded versions take effect.
SEED_EFFECTIVE = date(2024, 1, 1)

__all__ = ["CERTIFICATE_KINDS", "ITEMS", "LIST_RULE", "MATERIALS", "seed_catalogue"]


def _model(apps: Any, name: str) -> Any:
    if apps is not None:
        return apps.get_model("onewindow", name)
    from .. import models

    return getattr(models, name)


def seed_catalogue(apps: Any = None) -> int:
    """Certificate kinds, materials and items with a first version; returns the items created."""
    kind_model = _model(apps, "CertificateKind")
    material_model = _model(apps, "Material")
    item_model = _model(apps, "ServiceItem")
    version_model = _model(apps, "ItemVersion")
    link_model = _model(apps, "ItemMaterial")
    kinds = {}
    for code, name, on_list, purposes, template, basis, refusal, aliases, order in CERTIFICATE_KINDS:
        kinds[code], _new = kind_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "on_list": on_list,
                "purposes": purposes,
                "template": template,
                "legal_basis": basis,
                "refusal_reason": refusal,
                "aliases": aliases,
                "order": order,
            },
        )
    materials = {}
    for code, name, description, source, kind_code in MATERIALS:
        materials[code], _new = material_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "source": source,
                "certificate_kind": kinds.get(kind_code),
            },
        )
    created = 0
    for order, spec in enumerate(ITEMS):
        item, new = item_model.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "category": spec["category"],
                "keywords": spec["keywords"],
                "order": order,
            },
        )
        created += new
        if version_model.objects.filter(item=item).exists():
            continue
        version = version_model.objects.create(
            item=item,
            version=1,
            effective_from=SEED_EFFECTIVE,
            description=spec["description"],
            eligibility=spec["eligibility"],
            eligibility_text=spec["eligibility_text"],
            steps=spec["steps"],
            legal_basis=spec["basis"],
            time_limit_days=spec["limit"],
            fee_fen=spec.get("fee", 0),
            responsible_unit=spec["unit"],
            location=spec.get("location", LOC),
            hours=spec.get("hours", HOURS),
            channel=spec["channel"],
            commitment_allowed=spec["commitment"],
        )
        for position, (code, required, commitment_ok) in enumerate(spec["materials"]):
            link_model.objects.create(
                version=version,
                material=materials[code],
                required=required,
                commitment_ok=commitment_ok,
                order=position,
            )
    return created
