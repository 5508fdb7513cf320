"""Writes made from the resident portal."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shequ.core import audit


@transaction.atomic
def elder_mode_set(*, actor: Any, enabled: bool) -> Any:
    """Turn the large-text elder mode (长辈模式) on or off for the acting user's account."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise ValidationError({"elder_mode": _("请先登录。")})
    if not isinstance(enabled, bool):
        raise ValidationError({"elder_mode": _("长辈模式只能开启或关闭。")})
    user = get_user_model().objects.select_for_update().get(pk=actor.pk)
    if user.elder_mode == enabled:
        actor.elder_mode = enabled
        return actor
    before = user.elder_mode
    user.elder_mode = enabled
    user.save(update_fields=["elder_mode"])
    actor.elder_mode = enabled
    audit.record(
        actor=actor,
        action="user.elder_mode_set",
        obj=user,
        area=user.home_area,
        changes={"elder_mode": [before, enabled]},
    )
    return actor
