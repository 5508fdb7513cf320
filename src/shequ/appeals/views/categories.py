"""Console pages under /console/appeals/: the category catalogue, its edit form, classifier versions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from shequ.console.decorators import staff_required
from shequ.core.access import scoped_object

from .. import selectors, services
from ..classifier.runtime import suggest
from ..forms import CategoryForm, ClassifyTryForm, RetrainForm, put_errors
from ..services import CATEGORY_FIELDS

VERSIONS_SHOWN = 20


def _catalogue(
    request: HttpRequest, *, try_form: ClassifyTryForm, suggestions: Any, status: int
) -> HttpResponse:
    user = request.user
    return render(
        request,
        "appeals/categories.html",
        {
            "categories": list(selectors.categories_visible_to(user)),
            "versions": list(selectors.classifier_versions(user)[:VERSIONS_SHOWN]),
            "can_manage": services.can_manage_categories(user),
            "try_form": try_form,
            "retrain_form": RetrainForm(),
            "suggestions": suggestions,
        },
        status=status,
    )


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def category_list(request: HttpRequest) -> HttpResponse:
    """The catalogue; POST tries the classifier on a text (nothing is stored)."""
    form = ClassifyTryForm(request.POST or None)
    suggestions = None
    status = 200
    if request.method == "POST":
        if form.is_valid() and form.cleaned_data["text"].strip():
            suggestions = suggest(form.cleaned_data["text"])
        else:
            if not form.errors:
                form.add_error("text", _("请填写诉求内容。"))
            status = 400
    return _catalogue(request, try_form=form, suggestions=suggestions, status=status)


@never_cache
@staff_required
@scoped_object("appeals.Category", "code", action="change")
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    category = selectors.category_for(user, code)
    if not services.can_manage_categories(user):
        raise PermissionDenied
    initial = {field: getattr(category, field) for field in CATEGORY_FIELDS}
    form = CategoryForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = dict(form.cleaned_data)
            reason = values.pop("reason", "")
            values["emergency_line"] = values.get("emergency_line") or ""
            try:
                services.category_update(actor=user, category=category, reason=reason, **values)
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("appeals:categories")
        status = 400
    return render(request, "appeals/category_form.html", {"form": form, "category": category}, status=status)


@staff_required
@require_POST
def classifier_retrain(request: HttpRequest) -> HttpResponse:
    """Queue a retraining (the worker trains, evaluates and activates the new version)."""
    user = request.user
    if not services.can_manage_categories(user):
        raise PermissionDenied
    form = RetrainForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    from ..tasks import retrain_classifier

    transaction.on_commit(lambda: retrain_classifier.delay(actor_id=user.pk, reason=reason))
    messages.success(request, _("已提交重新训练，完成后新版本将自动启用。"))
    return redirect("appeals:categories")
