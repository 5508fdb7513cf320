from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shequ.core.middleware import ACTIVE_POST_SESSION_KEY

from . import todo
from .decorators import staff_required
from .shell import scope_label


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    todos = todo.todos_for(user)
    return render(
        request,
        "console/home.html",
        {
            "todos": todos.items,
            "todo_failed": todos.failed,
            "my_posts": user.active_posts(),
            "current_posts": user.current_posts(),
            "scope_label": scope_label(user),
        },
    )


@require_POST
@staff_required
def switch_post(request: HttpRequest) -> HttpResponse:
    """Act in one post (or, with an empty value, in all of them); a post that is not yours is a 404."""
    user: Any = request.user
    raw = request.POST.get("post", "").strip()
    posts = user.active_posts()
    if raw == "":
        request.session.pop(ACTIVE_POST_SESSION_KEY, None)
        user.active_post = posts[0] if len(posts) == 1 else None
        messages.success(request, _("已切换到全部岗位。"))
    else:
        try:
            post_id = int(raw)
        except ValueError:
            raise Http404 from None
        post = next((p for p in posts if p.pk == post_id), None)
        if post is None:
            raise Http404
        request.session[ACTIVE_POST_SESSION_KEY] = post.pk
        messages.success(request, _("已切换到岗位：%(post)s") % {"post": post})
    return redirect(safe_next(request, "console:home"))
