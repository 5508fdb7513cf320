"""The person list and search, and a person's tags."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from shequ.console.decorators import staff_required
from shequ.core.access import scoped_object

from . import selectors, services
from .forms import put_errors
from .forms_elements import PersonFilterForm, TagForm
from .views_common import filter_values, paged, query_of, require_write


def _identifying(q: str | None) -> bool:
    """A search term that could be an ID number or a phone number (kept out of URLs and logs)."""
    return sum(c.isdigit() for c in (q or "")) >= 5


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def person_list(request: HttpRequest) -> HttpResponse:
    """Search by name, or by a full ID number or phone (exact, through their digests); masked values only.

    The search form is posted, so that an ID or phone number typed into it does not end up
    in the address bar, the browser history or access logs; paging links carry only the
    filters and a name.
    """
    user = request.user
    tags = list(selectors.tags_visible_to(user))
    data = request.POST if request.method == "POST" else request.GET
    form = PersonFilterForm(data or None, grids=selectors.grids_for(user), tags=tags)
    values, status = filter_values(form, "q", "grid", "tag")
    grid = values.get("grid")
    tag = next((t for t in tags if t.code == values.get("tag")), None)
    qs = selectors.person_list(user, q=values.get("q"), grid_id=grid.pk if grid else None, tag=tag)
    page = paged(request, qs)
    memberships = selectors.current_memberships_of([p.pk for p in page.object_list])
    for person in page.object_list:
        person.current_household_id = memberships.get(person.pk)
        person.age_today = selectors.age(person)
    return render(
        request,
        "registry/person_list.html",
        {
            "form": form,
            "filter_action": reverse("registry:persons"),
            "page_obj": page,
            "query": query_of(
                q=values.get("q"), grid=grid.pk if grid else None, tag=tag.code if tag else None
            ),
        },
        status=status,
    )


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
@scoped_object("registry.Person", "person_id", action="change")
def person_tags(request: HttpRequest, person_id: int) -> HttpResponse:
    """Add a tag to a person or remove one (tags the user may not see do not exist here)."""
    user = request.user
    person = selectors.person_for(user, person_id)
    require_write(user, person.grid)
    tags = selectors.tags_visible_to(user)
    form = TagForm(request.POST if request.method == "POST" else None, tags=tags, initial={"action": "add"})
    if form.is_valid():
        tag = selectors.tag_for(user, form.cleaned_data["tag"])
        assert tag is not None  # the choices are the visible tags
        try:
            if form.cleaned_data["action"] == "add":
                services.person_tag_add(
                    actor=user,
                    person=person,
                    tag=tag,
                    since=form.cleaned_data["since"],
                    note=form.cleaned_data["note"],
                )
                message = _("已添加标签“%(tag)s”。") % {"tag": tag.name}
            else:
                services.person_tag_remove(actor=user, person=person, tag=tag)
                message = _("已解除标签“%(tag)s”。") % {"tag": tag.name}
        except ValidationError as exc:
            put_errors(form, exc, {"person": "tag", "on": "since"})
        else:
            messages.success(request, message)
            return redirect("registry:person", person_id=person.pk)
    return render(
        request,
        "registry/person_tags.html",
        {"person": person, "form": form, "tags": selectors.person_tags(user, person)},
        status=400 if form.is_bound else 200,
    )
