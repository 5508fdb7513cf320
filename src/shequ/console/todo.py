"""The to-do list on the console home page, filled by the modules.

A module registers a *provider* — ``callable(user) -> list[TodoItem]`` — usually in its
``AppConfig.ready``::

    from shequ.console import todo

    @todo.register
    def cases_due(user):
        return [todo.TodoItem(title=..., url=..., due=..., urgency=todo.Urgency.SOON) ...]

A provider reads through the module's own selectors, so the items are already scoped to
the user; it must answer in a bounded number of queries whatever the number of items.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class Urgency(models.TextChoices):
    OVERDUE = "overdue", _("已逾期")
    SOON = "soon", _("即将到期")
    NORMAL = "normal", _("一般")


_URGENCY_RANK: dict[str, int] = {Urgency.OVERDUE: 0, Urgency.SOON: 1, Urgency.NORMAL: 2}


@dataclass(frozen=True)
class TodoItem:
    title: str | Promise
    url: str
    due: date | datetime | None = None
    urgency: str = Urgency.NORMAL
    source: str | Promise = ""

    @property
    def urgency_label(self) -> str:
        try:
            return str(Urgency(self.urgency).label)
        except ValueError:
            return str(self.urgency)

    @property
    def due_is_datetime(self) -> bool:
        return isinstance(self.due, datetime)

    def sort_key(self) -> tuple[int, datetime, int, str]:
        if self.due is None:
            return (1, datetime.max.replace(tzinfo=timezone.get_current_timezone()), 0, str(self.title))
        if isinstance(self.due, datetime):
            moment = self.due if timezone.is_aware(self.due) else timezone.make_aware(self.due)
        else:
            moment = timezone.make_aware(datetime.combine(self.due, time.min))
        return (0, moment, _URGENCY_RANK.get(self.urgency, 3), str(self.title))


Provider = Callable[[Any], list[TodoItem]]

_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a provider (idempotent); usable as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def providers() -> list[Provider]:
    return list(_providers)


@contextmanager
def registered(*extra: Provider) -> Iterator[None]:
    """Register providers for the duration of a block (for tests and previews)."""
    added = [p for p in extra if p not in _providers]
    for provider in added:
        register(provider)
    try:
        yield
    finally:
        for provider in added:
            unregister(provider)


@dataclass(frozen=True)
class TodoList:
    items: list[TodoItem]
    failed: int = 0


def todos_for(user: Any) -> TodoList:
    """Every provider's items for ``user``, sorted by due date (undated last).

    A provider that raises is logged and counted, so one broken module does not take the
    console home page down with it.
    """
    items: list[TodoItem] = []
    failed = 0
    for provider in list(_providers):
        try:
            items.extend(provider(user))
        except Exception:
            failed += 1
            logger.exception("to-do provider %r failed", provider)
    items.sort(key=TodoItem.sort_key)
    return TodoList(items=items, failed=failed)
