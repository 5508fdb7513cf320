"""Resident portal pages under /services/: catalogue, item, apply, my applications, status, rating."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shequ.core.access import scoped_object
from shequ.portal.views import resident_login_url

from .. import selectors, services
from ..models import RatingLevel, ServiceCategory
from ..models import Status as AppStatus
from ..services.common import is_applicant
from .common import flat, form_uploads, ids


def _login(request: HttpRequest) -> HttpResponse:
    return redirect(f"{resident_login_url()}?next={quote(request.get_full_path())}")


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:50]
    category = request.GET.get("category", "")
    if category not in ServiceCategory.values:
        category = ""
    items = selectors.catalogue_search(q, category)
    return render(
        request,
        "onewindow/portal/catalogue.html",
        {"items": items, "q": q, "category": category, "categories": ServiceCategory.choices},
    )


@require_GET
@scoped_object("onewindow.ServiceItem", "item_id")
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.item_for(item_id)
    version = selectors.version_detail(item)
    return render(request, "onewindow/portal/item.html", {"item": item, "version": version})


@never_cache
@require_http_methods(["GET", "POST"])
@scoped_object("onewindow.ServiceItem", "item_id")
def apply(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.item_for(item_id)
    user: Any = request.user
    if not user.is_authenticated:
        return _login(request)
    version = selectors.version_detail(item)
    prefill = selectors.prefill_for_resident(user, version)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if getattr(user, "kind", "") != "resident":
            raise PermissionDenied(_("工作人员请在窗口受理页面办理。"))
        try:
            links = list(version.item_materials.all()) if version else []
            app = services.application_submit(
                actor=user,
                item=item,
                uploads=form_uploads(request, [link.material_id for link in links]),
                reuse=ids(request, "reuse"),
                commitment=request.POST.get("commitment") == "1",
                form={"note": request.POST.get("note", "")[:500]},
                idempotency_key=_uuid(request.POST.get("idempotency_key")),
            )
        except ValidationError as exc:
            errors = flat(exc)
            status = 400
        else:
            messages.success(request, _("申请已提交，办件编号%(number)s。") % {"number": app.number})
            return redirect("onewindow_portal:application", application_id=app.pk)
    import uuid

    return render(
        request,
        "onewindow/portal/apply.html",
        {"item": item, "version": version, "pre": prefill, "errors": errors, "key": uuid.uuid4()},
        status=status,
    )


def _uuid(raw: Any) -> Any:
    import uuid

    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None


@never_cache
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    apps = list(selectors.application_list(request.user)[:100])
    return render(request, "onewindow/portal/mine.html", {"applications": apps})


@never_cache
@require_GET
@scoped_object("onewindow.Application", "application_id")
def application(request: HttpRequest, application_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    app = selectors.application_for(request.user, application_id)
    info = selectors.detail(app)
    notice = info["notices"][-1] if info["notices"] else None
    on_file = selectors.prefill_for(app.person, None).on_file if app.status == AppStatus.RETURNED else {}
    return render(
        request,
        "onewindow/portal/application.html",
        {
            "app": app,
            "notice": notice,
            "on_file": on_file,
            "levels": RatingLevel.choices,
            "is_owner": is_applicant(request.user, app),
            **info,
        },
    )


@require_POST
@scoped_object("onewindow.Application", "application_id")
def resubmit(request: HttpRequest, application_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    app = selectors.application_for(request.user, application_id)
    notice = app.notices.order_by("-issued_at", "-id").first()
    try:
        listed = [m.pk for m in notice.materials.all()] if notice else []
        services.application_resubmit(
            actor=request.user,
            application=app,
            uploads=form_uploads(request, listed),
            reuse=ids(request, "reuse"),
        )
    except ValidationError as exc:
        for text in flat(exc):
            messages.error(request, text)
    else:
        messages.success(request, _("材料已补正，等待社区受理。"))
    return redirect("onewindow_portal:application", application_id=app.pk)


@require_POST
@scoped_object("onewindow.Application", "application_id")
def rate(request: HttpRequest, application_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    app = selectors.application_for(request.user, application_id)
    try:
        level = int(request.POST.get("level", "0"))
    except ValueError:
        level = 0
    try:
        services.application_rate(
            actor=request.user, application=app, level=level, comment=request.POST.get("comment", "")
        )
    except ValidationError as exc:
        for text in flat(exc):
            messages.error(request, text)
    else:
        messages.success(request, _("感谢您的评价。"))
    return redirect("onewindow_portal:application", application_id=app.pk)


@never_cache
@require_GET
def track(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("number", "")[:24]
    tail = request.GET.get("phone_tail", "")[:4]
    app = selectors.track(number, request.user, tail) if number else None
    events = list(app.events.order_by("at", "id")) if app else []
    return render(
        request,
        "onewindow/portal/track.html",
        {"number": number, "app": app, "events": events, "searched": bool(number)},
    )
