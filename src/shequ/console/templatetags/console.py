from __future__ import annotations

from typing import Any

from django import template

from ..shell import ConsoleShell

register = template.Library()


@register.simple_tag(takes_context=True)
def console_shell(context: Any) -> ConsoleShell | None:
    request = context.get("request")
    if request is None:
        return None
    return ConsoleShell(request)
