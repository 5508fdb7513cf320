"""The demo only ever touches demo data: the refusal, the state flag, the wipe."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from shequ.accounts.models import User
from shequ.core.audit import record
from shequ.core.models import (
    Area,
    AuditEntry,
    Organisation,
    PlatformFlag,
)

from .plan import FLAG_KEY


class DemoRefused(Exception):
    """The database is not one the demo may write to."""


def demo_state() -> dict[str, Any] | None:
    flag = PlatformFlag.objects.filter(key=FLAG_KEY).first()
    return dict(flag.value) if flag is not None else None


def non_demo_counts() -> dict[str, int]:
    """Rows the demo did not make.  Registry rows have no ``is_demo`` flag: theirs is their grid's."""
    from shequ.registry.models import Household, Person

    counts = {
        "areas": Area.objects.filter(is_demo=False).count(),
        "organisations": Organisation.objects.filter(is_demo=False).count(),
        "users": User.objects.filter(is_demo=False).count(),
        "persons": Person.objects.filter(grid__is_demo=False).count(),
        "households": Household.objects.filter(grid__is_demo=False).count(),
    }
    return {k: v for k, v in counts.items() if v}


def check_database_is_demo() -> None:
    """Refuse production settings and any database that holds data not made by the demo."""
    module = getattr(settings, "SETTINGS_MODULE", "") or ""
    if module.endswith(".prod"):
        raise DemoRefused(_("演示城市不能在生产配置（%(module)s）下生成。") % {"module": module})
    found = non_demo_counts()
    if found:
        detail = "、".join(f"{k} {v}" for k, v in found.items())
        raise DemoRefused(
            _("数据库中已有非演示数据（%(detail)s），演示城市拒绝写入。请使用一个空数据库。")
            % {"detail": detail}
        )


# --------------------------------------------------------------------------- the build


def _delete_all(queryset: models.QuerySet[Any], *, depth: int = 0) -> int:
    """Delete rows, first deleting whatever protects them (never audit entries)."""
    if depth > 8:
        raise DemoRefused(_("演示数据之间的依赖过深，无法清除。"))
    deleted = 0
    for _attempt in range(10):
        try:
            return deleted + queryset.delete()[0]
        except (ProtectedError, RestrictedError) as exc:
            blockers: Iterable[Any] = (
                exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
            )
            by_model: dict[type[models.Model], list[Any]] = {}
            for obj in blockers:
                by_model.setdefault(type(obj), []).append(obj.pk)
            for model, pks in by_model.items():
                if model is AuditEntry:
                    raise
                deleted += _delete_all(model._default_manager.filter(pk__in=pks), depth=depth + 1)
    return deleted + queryset.delete()[0]


def _wipe_registry() -> int:
    """Registry rows under demo grids, children before parents (the foreign keys protect)."""
    from shequ.registry.models import (
        Building,
        Courtyard,
        Household,
        Membership,
        NaturalVillage,
        Person,
        PersonTag,
        Place,
        Room,
    )

    deleted = 0
    for queryset in (
        PersonTag.objects.filter(person__grid__is_demo=True),
        Membership.objects.filter(household__grid__is_demo=True),
        Membership.objects.filter(person__grid__is_demo=True),
        Household.objects.filter(grid__is_demo=True),
        Person.objects.filter(grid__is_demo=True),
        Room.objects.filter(building__grid__is_demo=True),
        Building.objects.filter(grid__is_demo=True),
        Courtyard.objects.filter(grid__is_demo=True),
        NaturalVillage.objects.filter(grid__is_demo=True),
        Place.objects.filter(grid__is_demo=True),
    ):
        deleted += _delete_all(queryset)
    return deleted


def wipe_demo_data() -> int:
    """Remove everything the demo made (audit entries stay: they are append-only)."""
    check_database_is_demo()
    from .modules import wipe_modules

    with transaction.atomic():
        deleted = wipe_modules()
        deleted += _wipe_registry()
        deleted += _delete_all(User.objects.filter(is_demo=True))
        deleted += _delete_all(Organisation.objects.filter(is_demo=True))
        max_depth = Area.objects.filter(is_demo=True).aggregate(m=models.Max("depth"))["m"]
        for depth in range(max_depth if max_depth is not None else -1, -1, -1):
            deleted += _delete_all(Area.objects.filter(is_demo=True, depth=depth))
        PlatformFlag.objects.filter(key=FLAG_KEY).delete()
        record(actor=None, action="demo.wipe", changes={"rows": deleted}, reason=_("清除演示城市"))
    return deleted


# --------------------------------------------------------------------------- the accounts table
