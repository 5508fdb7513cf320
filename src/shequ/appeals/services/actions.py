"""One entry point for every case action by name (the API and the console call it): ids in, objects out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shequ.core.models import Area, Organisation

from ..models import Case, RatingChannel
from . import deadlines, duplicates, handling, rating


def _int(params: Mapping[str, Any], key: str) -> int | None:
    value = params.get(key)
    if value in (None, ""):
        return None
    try:
        number = int(str(value))
    except (TypeError, ValueError) as exc:
        raise ValidationError({key: _("请选择有效的选项。")}) from exc
    if not 0 < number < 2**63:
        raise ValidationError({key: _("请选择有效的选项。")})
    return number


def _org(params: Mapping[str, Any], key: str) -> Organisation | None:
    pk = _int(params, key)
    if pk is None:
        return None
    found = Organisation.objects.filter(pk=pk, is_active=True).first()
    if found is None:
        raise ValidationError({key: _("请选择有效的选项。")})
    return found


def _orgs(params: Mapping[str, Any], key: str) -> list[Organisation]:
    raw = params.get(key) or []
    if isinstance(raw, str | int):
        raw = [raw]
    ids = []
    for value in raw:
        pk = _int({key: value}, key)
        if pk is not None:
            ids.append(pk)
    found = list(Organisation.objects.filter(pk__in=ids, is_active=True))
    if len(found) != len(set(ids)):
        raise ValidationError({key: _("请选择有效的选项。")})
    return found


def _area(params: Mapping[str, Any], key: str) -> Area | None:
    pk = _int(params, key)
    if pk is None:
        return None
    found = Area.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({key: _("请选择有效的选项。")})
    return found


def _into(actor: Any, params: Mapping[str, Any]) -> Case:
    from ..selectors import cases_visible_to

    value = str(params.get("into") or "").strip()[:20]
    qs = cases_visible_to(actor)
    found = (
        qs.filter(number=value).first() if "-" in value else qs.filter(pk=_int(params, "into") or 0).first()
    )
    if found is None:
        raise ValidationError({"into": _("只能并入另一件办理中的案件。")})
    return found


def _bool(value: Any) -> bool:
    return value in (True, "1", "true", "on", "yes", 1)


Action = Callable[[Any, Case, int | None, Mapping[str, Any]], Any]

ACTIONS: dict[str, Action] = {
    "dispatch": lambda a, c, v, p: handling.case_dispatch(
        actor=a,
        case=c,
        version=v,
        category=p.get("category"),
        organisation=_org(p, "organisation_id"),
        area=_area(p, "area_id"),
        assist=_orgs(p, "assist_ids"),
        note=p.get("note", ""),
    ),
    "accept": lambda a, c, v, p: handling.case_accept(
        actor=a, case=c, version=v, note=p.get("note", ""), contacted=_bool(p.get("contacted"))
    ),
    "contact": lambda a, c, v, p: rating.case_contact(actor=a, case=c, version=v, note=p.get("note", "")),
    "rate": lambda a, c, v, p: rating.case_rate(
        actor=a,
        case=c,
        version=v,
        resolved=p.get("resolved"),
        level=p.get("level"),
        comment=p.get("comment", ""),
        channel=RatingChannel.PORTAL if getattr(a, "kind", "") == "resident" else RatingChannel.CALLBACK,
    ),
    "review": lambda a, c, v, p: rating.case_review(
        actor=a, case=c, version=v, excluded=_bool(p.get("excluded")), note=p.get("note", "")
    ),
    "request_return": lambda a, c, v, p: handling.case_request_return(
        actor=a, case=c, version=v, reason=p.get("reason", "")
    ),
    "approve_return": lambda a, c, v, p: handling.case_approve_return(
        actor=a, case=c, version=v, note=p.get("note", "")
    ),
    "refuse_return": lambda a, c, v, p: handling.case_refuse_return(
        actor=a, case=c, version=v, note=p.get("note", "")
    ),
    "escalate": lambda a, c, v, p: handling.case_escalate(actor=a, case=c, version=v, note=p.get("note", "")),
    "assign_down": lambda a, c, v, p: handling.case_assign_down(
        actor=a, case=c, version=v, area=_area(p, "area_id"), note=p.get("note", "")
    ),
    "handover": lambda a, c, v, p: handling.case_handover(
        actor=a,
        case=c,
        version=v,
        line=str(p.get("line") or ""),
        reference=p.get("reference", ""),
        note=p.get("note", ""),
    ),
    "on_spot": lambda a, c, v, p: handling.case_on_spot(
        actor=a,
        case=c,
        version=v,
        result=p.get("result", ""),
        before_photos=p.get("before_photos"),
        after_photos=p.get("after_photos"),
    ),
    "merge": lambda a, c, v, p: duplicates.case_merge(
        actor=a, case=c, version=v, into=_into(a, p), note=p.get("note", "")
    ),
    "dismiss": lambda a, c, v, p: handling.case_dismiss(
        actor=a, case=c, version=v, reason=p.get("reason", "")
    ),
    "handle": lambda a, c, v, p: handling.case_handle(
        actor=a,
        case=c,
        version=v,
        result=p.get("result", ""),
        before_photos=p.get("before_photos"),
        after_photos=p.get("after_photos"),
    ),
    "verify": lambda a, c, v, p: handling.case_verify(
        actor=a, case=c, version=v, passed=True, note=p.get("note", ""), photos=p.get("photos")
    ),
    "reject_result": lambda a, c, v, p: handling.case_verify(
        actor=a, case=c, version=v, passed=False, note=p.get("note", ""), photos=p.get("photos")
    ),
    "close": lambda a, c, v, p: handling.case_close(actor=a, case=c, version=v, note=p.get("note", "")),
    "supervise": lambda a, c, v, p: handling.case_supervise(
        actor=a, case=c, version=v, note=p.get("note", "")
    ),
    "note": lambda a, c, v, p: handling.case_note(
        actor=a,
        case=c,
        version=v,
        note=p.get("note", ""),
        photos=p.get("photos"),
        stage=str(p.get("stage") or "before"),
    ),
    "request_extension": lambda a, c, v, p: deadlines.extension_request(
        actor=a, case=c, version=v, hours=p.get("hours"), reason=p.get("reason", "")
    ),
    "decide_extension": lambda a, c, v, p: deadlines.extension_decide(
        actor=a, case=c, version=v, approve=_bool(p.get("approve")), note=p.get("note", "")
    ),
}


def case_act(*, actor: Any, case: Case, action: str, version: int | None, params: Mapping[str, Any]) -> Any:
    """Run the named action; an unknown name is a field error on ``action``."""
    run = ACTIONS.get(str(action))
    if run is None:
        raise ValidationError({"action": _("未知的办理操作。")})
    return run(actor, case, version, params)
