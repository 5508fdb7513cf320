"""API tokens: created and revoked with an audit entry; use noted once a minute."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from shequ.core.audit import record

from ..api_auth import digest_token, new_token_value
from ..models import ApiToken, User
from ..selectors import HELD_TOKENS


@transaction.atomic
def api_token_create(
    *, actor: Any, user: User, name: str = "", days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a token; the plain value is returned once and never stored."""
    value = new_token_value()
    expires: datetime | None = timezone.now() + timedelta(days=days) if days else None
    token = ApiToken.objects.create(
        user=user, name=name[:60], prefix=value[:10], key_digest=digest_token(value), expires_at=expires
    )
    record(
        actor=actor,
        action="api_token.create",
        obj=token,
        changes={"user": user.username, "prefix": token.prefix},
    )
    return token, value


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(actor=actor, action="api_token.revoke", obj=token)


def api_token_touch(*, token: ApiToken, now: datetime) -> None:
    """Note when a token was last used, at most once a minute (bookkeeping: no audit entry)."""
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
        HELD_TOKENS.note_used(token.key_digest, now)


# --------------------------------------------------------------------------- staff management
