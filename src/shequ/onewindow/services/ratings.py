"""好差评: the resident rates a delivered application; a bad rating opens a follow-up."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.audit import record

from ..models import BAD_LEVELS, Application, FollowUp, FollowUpStatus, Rating, RatingLevel, Status
from .common import clean_text, is_applicant, lock, notify, require_staff_write, require_status, step


@transaction.atomic
def application_rate(*, actor: Any, application: Application, level: int, comment: str = "") -> Rating:
    app = lock(application)
    if not is_applicant(actor, app):
        raise PermissionDenied(_("只有申请人本人可以评价。"))
    require_status(app, (Status.DELIVERED,), _("对其评价"))
    if Rating.objects.filter(application=app).exists():
        raise ValidationError({"level": _("您已评价过该办件。")})
    if level not in RatingLevel.values:
        raise ValidationError({"level": _("请选择评价等级。")})
    comment = clean_text(comment, "comment", limit=500, required=level in BAD_LEVELS, label=_("不满意的原因"))
    rating = Rating.objects.create(application=app, level=level, comment=comment)
    step(app, "rate", actor, note=str(RatingLevel(level).label))
    if level in BAD_LEVELS:
        FollowUp.objects.create(rating=rating)
        step(app, "follow_up_open", None, note=_("差评已转回访。"))
    record(actor=actor, action="onewindow.application.rate", obj=app, changes={"level": level})
    return rating


def _follow_up(app: Application) -> FollowUp:
    follow = FollowUp.objects.select_for_update().filter(rating__application=app).first()
    if follow is None:
        raise ValidationError({"follow_up": _("该办件没有需要回访的差评。")})
    return follow


@transaction.atomic
def follow_up_answer(*, actor: Any, application: Application, answer: str) -> FollowUp:
    app = lock(application)
    require_staff_write(actor, app.area)
    follow = _follow_up(app)
    if follow.status != FollowUpStatus.OPEN:
        raise ValidationError({"follow_up": _("该回访已答复。")})
    follow.answer = clean_text(answer, "answer", limit=1000, required=True, label=_("答复内容"))
    follow.status = FollowUpStatus.ANSWERED
    follow.answered_by = actor
    follow.answered_at = follow.resident_told_at = timezone.now()
    follow.save()
    step(app, "follow_up_answer", actor, note=follow.answer)
    record(actor=actor, action="onewindow.follow_up.answer", obj=app, changes={"answer": follow.answer})
    notify(
        app,
        _("【社区服务】关于您对办件%(number)s的评价，社区答复：%(answer)s")
        % {"number": app.number, "answer": follow.answer[:200]},
    )
    return follow


@transaction.atomic
def follow_up_close(*, actor: Any, application: Application) -> FollowUp:
    app = lock(application)
    require_staff_write(actor, app.area)
    follow = _follow_up(app)
    if follow.status != FollowUpStatus.ANSWERED:
        raise ValidationError({"follow_up": _("请先答复居民，再办结回访。")})
    follow.status = FollowUpStatus.CLOSED
    follow.closed_at = follow.resident_told_at = timezone.now()
    follow.save()
    step(app, "follow_up_close", actor)
    record(actor=actor, action="onewindow.follow_up.close", obj=app)
    notify(app, _("【社区服务】您对办件%(number)s的评价回访已办结，感谢您的监督。") % {"number": app.number})
    return follow
