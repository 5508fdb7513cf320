"""Policy rules under /console/rules/: effective values for an area, their history, new versions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shequ.console.decorators import staff_required

from .access import require_area, scope_of, top_areas
from .forms_rules import JURISDICTION_LEVELS, RuleVersionForm
from .models import Area
from .rule_catalog import CATALOG
from .rules import PERMISSION, rule_set, rules_overview
from .selectors import area_choices


def _current_area(request: HttpRequest) -> Area | None:
    """The area chosen with ``?area=`` (404 outside the user's scope), else the user's top area."""
    raw = request.GET.get("area")
    if raw == "default" and scope_of(request.user).everything:
        return None
    if raw:
        return require_area(request.user, raw)
    if scope_of(request.user).everything:
        return None
    return top_areas(request.user).first()


@staff_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    area = _current_area(request)
    choices = area_choices(request.user, levels=JURISDICTION_LEVELS)
    context: dict[str, Any] = {
        "area": area,
        "groups": rules_overview(area),
        "area_choices": choices,
        "is_system": scope_of(request.user).everything,
        "may_edit": request.user.has_perm(PERMISSION),
    }
    return render(request, "core/rules/list.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def rule_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied(_("没有修改政策规则的权限。"))
    initial: dict[str, Any] = {}
    if request.GET.get("key") in CATALOG:
        initial["key"] = request.GET["key"]
    if request.GET.get("area"):
        initial["area"] = request.GET["area"]
    form = RuleVersionForm(
        request.POST if request.method == "POST" else None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rule = rule_set(
                actor=request.user,
                key=data["key"],
                area=data["area"],
                value=data["value"],
                value_max=data["value_max"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                source=data["source"],
                note=data["note"],
                reason=data["reason"],
                supersede=data["supersede"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            form.add_error("area", str(exc))
        else:
            query = urlencode({"area": rule.area_id if rule.area_id else "default"})
            return redirect(f"{reverse('rules:list')}?{query}#rule-{rule.key}")
    status = 400 if request.method == "POST" else 200
    return render(request, "core/rules/form.html", {"form": form}, status=status)
