"""Test support: the audit log's maintenance switch.

The database refuses to delete audit entries younger than the legal floor and (on
PostgreSQL) to truncate the table. Test frameworks empty every table after a transactional
test (SQLite: ``DELETE FROM``; PostgreSQL: ``TRUNCATE``), so the switch lets exactly that
flush through. Only test fixtures use it; nothing in the product does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

PG_SETTING = "shequ.audit_maintenance"


def set_audit_maintenance(enabled: bool, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Switch maintenance on or off for the connection ``using`` (PostgreSQL: this session)."""
    connection = connections[using]
    if connection.vendor == "postgresql" and not enabled and connection.connection is None:
        return  # the setting lives in the session: a closed connection has nothing to switch off
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, %s, false)", [PG_SETTING, "on" if enabled else "off"])
        elif connection.vendor == "sqlite":
            cursor.execute(
                "UPDATE core_audit_maintenance SET enabled = %s WHERE id = 1", [1 if enabled else 0]
            )


def audit_maintenance_enabled(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT coalesce(current_setting(%s, true), '')", [PG_SETTING])
            return bool(cursor.fetchone()[0] == "on")
        if connection.vendor == "sqlite":
            cursor.execute("SELECT enabled FROM core_audit_maintenance WHERE id = 1")
            row = cursor.fetchone()
            return bool(row and row[0])
    return False


@contextmanager
def audit_maintenance(*, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Within the block, young audit entries may be deleted (and truncated on PostgreSQL)."""
    set_audit_maintenance(True, using=using)
    try:
        yield
    finally:
        set_audit_maintenance(False, using=using)


def make_audit_entry(*, area: Any = None, at: datetime | None = None, **fields: Any) -> Any:
    """Insert one audit entry directly (inserts are allowed), e.g. back-dated with ``at``."""
    from .models import AuditEntry

    defaults: dict[str, Any] = {
        "actor_label": "测试员",
        "action": "test.write",
        "object_type": "core.area",
        "object_id": "1",
        "object_repr": "测试对象",
    }
    defaults.update(fields)
    entry = AuditEntry(area=area, area_path=area.path if area is not None else "", **defaults)
    if at is not None:
        entry.at = at
    entry.save(force_insert=True)
    return entry


def sign_in_browser(context: Any, client: Any, user: Any, base_url: str) -> None:
    """Give a Playwright browser context the session of ``user`` (logged in by the test client)."""
    from django.conf import settings

    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])


def open_page_as(browser: Any, live_server: Any, client: Any, user: Any, **options: Any) -> Any:
    """A fresh browser context and page, in Chinese and Beijing time, signed in as ``user``."""
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server.url, **options
    )
    sign_in_browser(context, client, user, live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    return page
