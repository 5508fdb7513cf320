"""A person completing their own identity and name."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shequ.core.audit import diff, record, snapshot
from shequ.core.pii import IdDocType, validate_id_document

from ..models import User, UserKind
from .management import _id_number_taken, _text_errors


@transaction.atomic
def profile_update(
    *,
    actor: Any,
    display_name: str | None = None,
    id_doc_type: str | None = None,
    id_number: str | None = None,
) -> User:
    """A person completes their own name and identity document.

    ``None`` leaves a field as it is.  The audit entry holds masked values only.
    """
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录。"))
    user = User.objects.select_for_update().get(pk=actor.pk)
    errors: dict[str, str] = {}
    before = snapshot(user, ["display_name", "id_doc_type", "id_number"])
    old_digest = user.id_number_digest
    if display_name is not None:
        display_name = display_name.strip()
        errors.update(_text_errors("display_name", display_name, required=True, limit=50, label=_("姓名")))
        if "display_name" not in errors:
            user.display_name = display_name
    if id_doc_type is not None or id_number is not None:
        doc_type = id_doc_type if id_doc_type is not None else (user.id_doc_type or IdDocType.CITIZEN_ID)
        if doc_type not in IdDocType.values:
            errors["id_doc_type"] = _("未知的证件类型。")
        else:
            try:
                number = validate_id_document(doc_type, id_number)
            except ValidationError as exc:
                errors["id_number"] = exc.messages[0]
            else:
                if _id_number_taken(user.kind, doc_type, number, exclude_pk=user.pk):
                    errors["id_number"] = (
                        _("该证件号码已绑定其他居民账户。如有疑问，请联系所在社区。")
                        if user.kind == UserKind.RESIDENT
                        else _("该证件号码已登记在其他工作人员账户上。")
                    )
                else:
                    user.id_doc_type = doc_type
                    user.id_number = number  # None for “暂无证件”
    if errors:
        raise ValidationError(errors)
    changes = diff(before, snapshot(user, ["display_name", "id_doc_type", "id_number"]))
    if user.id_number_digest != old_digest and "id_number" not in changes:
        changes["id_number"] = [before["id_number"], {"sealed": str(user.id_number)}]
    if not changes:
        return user
    user.save(update_fields=["display_name", "id_doc_type", "id_number", "id_number_digest"])
    record(
        actor=actor,
        action="user.profile_update",
        obj=user,
        area=user.home_area,
        changes=changes,
    )
    # The request's user object shows the new values at once.
    actor.display_name = user.display_name
    actor.id_doc_type = user.id_doc_type
    actor.id_number = user.id_number
    actor.id_number_digest = user.id_number_digest
    return user
