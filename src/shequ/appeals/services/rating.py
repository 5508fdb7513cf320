"""The requester's side of the end of a case: contact, the rating, re-handling once, review.

* 联系诉求人 (``contact``): the unit records that it reached the requester; the response rate
  counts a case whose unit accepted *and* contacted within the response deadline.
* 评价 (``rate``): on a closed case the requester says whether the problem was solved and
  how satisfied they are (满意 / 基本满意 / 不满意), with a comment; a logged-in resident on
  the portal, a caller holding the one-time code sent to the phone on file, or the dispatcher
  recording a telephone call-back (回访).  One rating per round.
* 不满意重办 (``reopen``): the first "dissatisfied" sends the case back to its lead unit (or
  to the dispatcher's queue when no unit handled it) with a fresh resolution deadline; after
  :data:`~shequ.appeals.policy.REOPEN_LIMIT` re-handlings a further "dissatisfied" is
  reviewed (复核) by the dispatching level instead: upheld, or found unreasonable and left
  out of the rates.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import policy
from ..models import Case, CaseRating, CaseState, Light, RatingChannel, ReviewState, Satisfaction
from . import common as c
from ._checks import choice, raise_if, text
from .deadlines import due_after, limits
from .workflow import begin, clean_note, finish

TRUE_VALUES = (True, "1", "true", "yes", "on", "resolved")
FALSE_VALUES = (False, "0", "false", "no", "off", "unresolved")


def rating_deadline(case: Case) -> Any:
    """Until when the requester may rate the current round (``None``: not closed)."""
    if case.closed_at is None:
        return None
    days = int(policy.value("appeals.rating_days", case.area))
    return case.closed_at + timedelta(days=days)


def has_requester(case: Case) -> bool:
    return case.requester_id is not None or bool(case.requester_phone)


def current_round(case: Case) -> int:
    return case.reopened_count + 1


def awaiting_rating(case: Case, *, now: Any = None) -> bool:
    """A closed case whose requester has not yet rated this round and is still in time."""
    if case.state != CaseState.CLOSED or not has_requester(case) or case.review_state:
        return False
    if case.rated_at is not None and case.closed_at is not None and case.rated_at >= case.closed_at:
        return False
    due = rating_deadline(case)
    return due is not None and (now or timezone.now()) <= due


def _parse_resolved(errors: dict[str, str], value: Any) -> bool:
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    errors.setdefault("resolved", _("请选择问题是否已解决。"))
    return False


def _may_rate(actor: Any, case: Case, channel: str) -> None:
    if channel == RatingChannel.PORTAL:
        if not (c.is_resident(actor) and case.requester_id == actor.pk):
            raise PermissionDenied(_("只有诉求人本人可以评价。"))
    elif channel == RatingChannel.CALLBACK:
        if not c.is_dispatcher(actor, case):
            raise PermissionDenied(_("只有分拨人员可以录入电话回访评价。"))
    elif channel == RatingChannel.CODE:
        if actor is not None and getattr(actor, "is_authenticated", False):
            raise PermissionDenied(_("凭验证码评价无需登录。"))
    else:
        raise ValidationError({"channel": _("请选择有效的选项。")})


@transaction.atomic
def case_rate(
    *,
    actor: Any,
    case: Case,
    resolved: Any,
    level: Any,
    comment: str = "",
    channel: str = RatingChannel.PORTAL,
    version: int | None = None,
) -> CaseRating:
    """Record the requester's rating of a closed case; a dissatisfied one re-opens or goes to review.

    ``channel`` says who is speaking: the resident (``portal``), a caller whose one-time code the
    view has checked (``code``, no actor), or the dispatcher after a call-back (``callback``).
    """
    _may_rate(actor, case, channel)
    locked = begin(actor if channel != RatingChannel.CODE else None, case, "rate", version)
    errors: dict[str, str] = {}
    is_resolved = _parse_resolved(errors, resolved)
    level = choice(errors, "level", level, Satisfaction)
    comment = text(errors, "comment", comment, max_length=500, required=level == Satisfaction.DISSATISFIED)
    if "comment" in errors and level == Satisfaction.DISSATISFIED and not comment:
        errors["comment"] = _("请说明不满意的原因，以便重新办理。")
    raise_if(errors)
    if not has_requester(locked):
        raise ValidationError({"level": _("该案件没有诉求人，无需评价。")})
    if locked.review_state:
        raise ValidationError({"level": _("该案件已进入复核，不能再评价。")})
    now = timezone.now()
    due = rating_deadline(locked)
    if due is None or now > due:
        raise ValidationError({"level": _("已超过评价期限。")})
    this_round = current_round(locked)
    if CaseRating.objects.filter(case=locked, round=this_round).exists():
        raise ValidationError({"level": _("您已评价过本次办理结果。")})
    rating = CaseRating.objects.create(
        case=locked,
        round=this_round,
        resolved=is_resolved,
        level=level,
        comment=comment,
        channel=channel,
        rated_by=actor if getattr(actor, "is_authenticated", False) else None,
        rated_at=now,
    )
    locked.rating_resolved, locked.rating_level, locked.rated_at = is_resolved, level, now
    fields = ["rating_resolved", "rating_level", "rated_at"]
    data = {"round": this_round, "resolved": is_resolved, "level": level, "channel": channel}
    if level != Satisfaction.DISSATISFIED:
        finish(actor, locked, "rate", fields=fields, note=comment, data=data)
        return rating
    if locked.reopened_count < policy.REOPEN_LIMIT and locked.merged_into_id is None:
        _reopen(actor, locked, fields, comment, data, now)
    else:
        locked.review_state = ReviewState.PENDING
        finish(actor, locked, "rate", fields=[*fields, "review_state"], note=comment, data=data)
        c.event(
            locked, "review", None, note=_("再次不满意，转入复核。"), data={"review": ReviewState.PENDING}
        )
    return rating


def _reopen(actor: Any, case: Case, fields: list[str], comment: str, data: dict[str, Any], now: Any) -> None:
    """Back to the lead unit (or the dispatcher's queue) with a fresh resolution deadline."""
    target = CaseState.ACCEPTED if (case.lead_org_id or case.lead_area_id) else CaseState.SUBMITTED
    case.reopened_count += 1
    case.closed_at = case.handled_at = case.verified_at = None
    case.clock_start = now
    category = case.category or case.suggested_category
    if category is not None:
        resolve = limits(category, case.urgency, case.area)[1]
        case.resolve_due = due_after(now, resolve, case.area)
    case.light, case.escalated_kinds = Light.GREEN, ""
    fields = [
        *fields,
        "reopened_count",
        "closed_at",
        "handled_at",
        "verified_at",
        "clock_start",
        "resolve_due",
        "light",
        "escalated_kinds",
    ]
    finish(actor, case, "rate", fields=fields, note=comment, data={**data, "reopen": True}, to_state=target)
    c.event(
        case,
        "reopen",
        None,
        from_state=CaseState.CLOSED,
        to_state=target,
        note=_("诉求人不满意，退回重新办理。"),
        data={"reason": comment},
    )
    c.notify(
        case,
        _("【接诉即办】您对诉求%(number)s的办理结果不满意，已退回%(unit)s重新办理。")
        % {"number": case.number, "unit": case.lead_unit or _("分拨中心")},
        key="reopened",
    )


@transaction.atomic
def case_contact(*, actor: Any, case: Case, version: int | None, note: str) -> Case:
    """联系诉求人: the unit reached the requester (by phone, visit …); the first time counts."""
    locked = begin(actor, case, "contact", version)
    note = clean_note(note, required=True)
    fields: list[str] = []
    if locked.contacted_at is None:
        locked.contacted_at = timezone.now()
        fields = ["contacted_at"]
    return finish(actor, locked, "contact", fields=fields, note=note)


@transaction.atomic
def case_review(*, actor: Any, case: Case, version: int | None, excluded: bool, note: str) -> Case:
    """复核 after a second "dissatisfied": upheld, or unreasonable and left out of the rates."""
    locked = begin(actor, case, "review", version)
    if locked.review_state != ReviewState.PENDING:
        raise ValidationError({"review": _("该案件没有待复核的评价。")})
    note = clean_note(note, required=True)
    locked.review_state = ReviewState.EXCLUDED if excluded else ReviewState.UPHELD
    locked.reviewed_at = timezone.now()
    finish(
        actor,
        locked,
        "review",
        fields=["review_state", "reviewed_at"],
        note=note,
        data={"review": locked.review_state},
    )
    c.notify(
        locked,
        _("【接诉即办】您对诉求%(number)s的评价已复核：%(note)s")
        % {"number": locked.number, "note": note[:80]},
        key="reviewed",
    )
    return locked
