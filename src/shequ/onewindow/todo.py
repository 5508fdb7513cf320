"""The module's contribution to the staff to-do list: open applications and open follow-ups."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shequ.console import todo

from . import selectors
from .models import FollowUpStatus

SOURCE = gettext_lazy("一窗通办")
URGENCY = {"red": todo.Urgency.OVERDUE, "yellow": todo.Urgency.SOON}


def application_todos(user: Any) -> list[todo.TodoItem]:
    rows = selectors.todo_rows(user)
    if not rows:
        return []
    clock = selectors.Clock()
    items = []
    for app in rows:
        url = reverse("onewindow:application", kwargs={"application_id": app.pk})
        follow = getattr(getattr(app, "rating", None), "follow_up", None) if hasattr(app, "rating") else None
        if follow is not None and follow.status in (FollowUpStatus.OPEN, FollowUpStatus.ANSWERED):
            title = _("差评回访：%(item)s（%(number)s）") % {"item": app.item.name, "number": app.number}
            items.append(todo.TodoItem(title=title, url=url, urgency=todo.Urgency.SOON, source=SOURCE))
            continue
        title = _("%(status)s：%(item)s（%(number)s）") % {
            "status": app.get_status_display(),
            "item": app.item.name,
            "number": app.number,
        }
        urgency = URGENCY.get(clock.state(app), todo.Urgency.NORMAL)
        items.append(todo.TodoItem(title=title, url=url, due=app.deadline, urgency=urgency, source=SOURCE))
    return items
