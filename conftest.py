"""Shared fixtures: the mini city, personas for every role, a real browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture
def mini(db: Any) -> Any:
    from shequ.demo.factories import make_mini_city

    return make_mini_city()


@pytest.fixture
def personas(mini: Any) -> dict[str, Any]:
    """One user per role on side A of the mini city (system admin and a resident included)."""
    from shequ.accounts.roles import Role
    from shequ.demo.factories import PERSONA_PLACES, make_persona, make_resident, make_staff

    people: dict[str, Any] = {role: make_persona(mini, role) for role in PERSONA_PLACES}
    people[Role.SYSTEM_ADMIN] = make_staff("sysadmin", Role.SYSTEM_ADMIN, display_name="系统管理员")
    people["resident"] = make_resident("13800138000", home_area=mini.community_a, display_name="居民甲")
    return people


@pytest.fixture
def sms_outbox() -> Iterator[Any]:
    from shequ.integration.sms import RecordingSMSBackend

    RecordingSMSBackend.clear()
    yield RecordingSMSBackend
    RecordingSMSBackend.clear()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server.url)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A phone-sized page (360 × 740, touch) as residents and grid workers use it."""
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=live_server.url,
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


# --- audit maintenance for flushes ---
# The database refuses to delete young audit entries (and, on PostgreSQL, to truncate the
# audit table). pytest-django empties every table after a transactional test (live_server,
# transactional_db, django_db(transaction=True)): maintenance is switched on just before
# that flush and off again right after it.
def _audit_flush_expected(request: Any) -> bool:
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        return True
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return False
    args = dict(zip(("transaction", "reset_sequences"), marker.args, strict=False)) | marker.kwargs
    return bool(args.get("transaction") or args.get("reset_sequences"))


@pytest.fixture(autouse=True)
def _audit_maintenance_for_flush(request: Any, django_db_blocker: Any) -> Iterator[None]:
    if not _audit_flush_expected(request):
        yield
        return
    # Requested here, so that the flush (its teardown) runs after this fixture's teardown.
    request.getfixturevalue("transactional_db")
    yield
    from shequ.core.testing import set_audit_maintenance

    set_audit_maintenance(True)
    request.node._audit_maintenance_blocker = django_db_blocker


def pytest_fixture_post_finalizer(fixturedef: Any, request: Any) -> None:
    """Right after pytest-django's flush (the teardown of ``_django_db_helper``)."""
    if fixturedef.argname != "_django_db_helper":
        return
    blocker = getattr(request.node, "_audit_maintenance_blocker", None)
    if blocker is None:
        return
    from shequ.core.testing import set_audit_maintenance

    del request.node._audit_maintenance_blocker
    with blocker.unblock():
        set_audit_maintenance(False)
        # The flush also removed the reference data the migrations seeded (platform
        # default rules, the State Council calendars): put it back for the next test.
        from shequ.core.calendar import seed_calendar
        from shequ.core.rules import seed_default_rules
        from shequ.demo.factories import ensure_registry_tags

        seed_default_rules(audit=False)
        seed_calendar(audit=False)
        ensure_registry_tags()
        from shequ.gridwork.checklists import ensure_checklist_templates

        ensure_checklist_templates()
        from shequ.appeals.catalogue import ensure_categories

        ensure_categories()
        from shequ.onewindow.seeding import seed_catalogue

        seed_catalogue()


# --- end audit maintenance for flushes ---


@pytest.fixture(scope="session", autouse=True)
def _no_straggling_sessions_at_teardown(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Before the PostgreSQL test database is dropped, let live-server request threads end.

    A browser's keep-alive connection can leave a live-server thread holding a database
    session for a moment after the last page closed; dropping the database then fails with
    "being accessed by other users". Wait for such sessions briefly, then end them.
    """
    yield
    import time

    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            others = (
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            for _ in range(20):
                cursor.execute(others)
                if not cursor.fetchall():
                    break
                time.sleep(0.1)
            else:
                cursor.execute(f"SELECT pg_terminate_backend(pid) FROM ({others}) AS stragglers")  # noqa: S608
        connection.close()


@pytest.fixture(autouse=True)
def _default_language_after_each_test() -> Iterator[None]:
    """A request in another language leaves that language active in the thread; put Chinese back."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
