"""Demo content of the one-window module: the catalogue, and applications in every state.

``seed_demo()`` is called by the demo builder after the city and its accounts exist. It is
deterministic (the people are chosen by order, not at random) and writes through the
services, so the demo's audit log and timelines look like real work.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import services
from .factories import ensure_catalogue
from .models import Application, Material, ServiceItem
from .uploads import Upload


def _png(seed: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 180 + seed % 60, 160)).save(out, format="PNG")
    return out.getvalue()


def _upload(code: str, seed: int) -> Upload:
    material = Material.objects.get(code=code)
    return Upload(material_id=material.pk, filename=f"{material.name}.png", data=_png(seed))


def _worker(username: str) -> Any:
    from shequ.accounts.models import Post, User

    user = User.objects.filter(username=username, kind="staff").first()
    if user is not None:
        return user
    post = (
        Post.objects.filter(role="community_worker", is_active=True, area__is_demo=True)
        .order_by("id")
        .first()
    )
    return post.user if post else None


def _link_resident(community: Any, person: Any, phone: str) -> Any:
    """The demo resident account becomes this registry person (same ID number, same phone)."""
    from shequ.accounts.models import User, UserKind
    from shequ.core.pii import PIIKind, lookup_candidates

    resident = User.objects.filter(
        kind=UserKind.RESIDENT, phone_digest__in=lookup_candidates(PIIKind.PHONE, phone)
    ).first()
    if resident is None:
        return None
    person.phone = phone
    person.save()
    resident.id_number = person.id_number.plaintext_for_processing()
    resident.display_name = resident.display_name or person.name
    resident.home_area = resident.home_area or community
    resident.save()
    return resident


@transaction.atomic
def seed_demo(*, worker_username: str = "shegong", resident_phone: str | None = None) -> dict[str, int]:
    """Catalogue plus a handful of applications and certificates in the demo worker's community."""
    from shequ.registry.models import GONE_STATUSES, Person

    ensure_catalogue()
    counts = {"items": ServiceItem.objects.count(), "applications": 0, "certificates": 0}
    worker = _worker(worker_username)
    if worker is None or Application.objects.filter(owner=worker).exists():
        return counts
    post = next((p for p in worker.active_posts() if p.area is not None), None)
    if post is None:
        return counts
    community = post.area
    today = timezone.localdate()
    elders = list(
        Person.objects.filter(grid__parent=community, birth_date__lte=today - timedelta(days=81 * 366))
        .exclude(residence_status__in=GONE_STATUSES)
        .exclude(id_number_digest__isnull=True)
        .order_by("id")[:6]
    )
    if len(elders) < 3:
        return counts
    if resident_phone is None:
        from shequ.demo.builder import RESIDENT_PHONE

        resident_phone = RESIDENT_PHONE
    _link_resident(community, elders[0], resident_phone)
    meal, allowance, mediation = (
        ServiceItem.objects.get(code=c) for c in ("meal-aid", "elderly-allowance", "mediation")
    )

    def intake(person: Any, item: ServiceItem, seed: int, **kwargs: Any) -> Application:
        uploads = [_upload("id_card", seed)]
        if item.code == "elderly-allowance":
            uploads.append(_upload("bank_card", seed + 1))
        counts["applications"] += 1
        return services.application_submit(actor=worker, item=item, person=person, uploads=uploads, **kwargs)

    # 1 delivered and well rated is not possible for window applicants (ratings are the resident's):
    # the demo resident's own application waits at the window, the others move along
    first = intake(elders[0], meal, 1)
    services.application_accept(actor=worker, application=first)
    services.application_decide(actor=worker, application=first, approved=True)
    services.application_deliver(actor=worker, application=first, note="短信告知")
    second = intake(elders[1], allowance, 3, proxy_service=True)
    services.application_accept(actor=worker, application=second)
    services.application_forward(
        actor=worker, application=second, unit="街道社会事务办", note="全程代办：送初审"
    )
    third = intake(elders[2], mediation, 5)
    services.application_return(
        actor=worker,
        application=third,
        materials=[Material.objects.get(code="id_card")],
        note="身份证照片不清晰",
    )
    if len(elders) > 3:
        intake(elders[3], meal, 7)
    services.certificate_request(actor=worker, requested="居住证明", purpose="子女入学", person=elders[0])
    counts["certificates"] += 1
    for requested in ("无犯罪记录证明", "亲属关系证明"):
        try:
            services.certificate_request(
                actor=worker, requested=requested, purpose="单位要求", person=elders[1]
            )
        except Exception:  # noqa: S112 - refused on purpose: the refusal is what the demo shows
            continue
    return counts
