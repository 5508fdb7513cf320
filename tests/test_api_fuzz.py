"""Property-based fuzzing of the whole JSON API with schemathesis, against the app's own OpenAPI.

The schema is loaded from the running application (``/api/v1/openapi.json`` through the
WSGI app) and every operation gets a bounded number of generated requests, sent as a
system administrator with a Bearer token.  Each response must not be a server error and
must match what the schema documents (status code listed → body and content type match).
Writes that name an area are fuzzed twice: with generated ids and with a real one, so
that their bodies reach the service code.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 6
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]

#: Operations with a known schema mismatch, fuzzed for server errors only until it is fixed.
#: Each entry says what is wrong; remove it with the fix.
KNOWN_SCHEMA_MISMATCHES: dict[str, str] = {}


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The project's WSGI application, keeping the test's database connection across requests.

    Django closes "old" connections at the start and end of every request; inside a test
    transaction that would throw the test's data away, so (like Django's own test client)
    the fuzzer's requests run with those two signal handlers disconnected.
    """
    from django.core import signals
    from django.db import close_old_connections

    from config.wsgi import application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _fuzz(operation: Any, headers: dict[str, str], path_parameters: dict[str, Any] | None = None) -> None:
    key = f"{operation.method.upper()} {operation.path}"
    checks = [not_a_server_error] if key in KNOWN_SCHEMA_MISMATCHES else CHECKS
    strategy = operation.as_strategy(path_parameters=path_parameters)

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    run()


def test_fuzz_every_api_operation(wsgi_app: Any, mini: Any, personas: dict[str, Any]) -> None:
    from shequ.accounts.services import api_token_create

    _token, value = api_token_create(actor=None, user=personas["system_admin"], name="fuzz")
    headers = {"Authorization": f"Bearer {value}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):
            failures.append(f"an operation could not be read from the schema: {result.err()}")
            continue
        operation = result.ok()
        operations += 1
        runs: list[dict[str, Any] | None] = [None]
        if (
            operation.definition.raw.get("x-scoped-model") == "core.Area"
            and operation.method.upper() != "GET"
        ):
            runs.append({"area_id": mini.community_a.pk})
        for fixed in runs:
            try:
                _fuzz(operation, headers, fixed)
            except Exception as exc:  # collect every operation's failure, report them together
                failures.append(f"{operation.method.upper()} {operation.path} {fixed or ''}:\n{exc}")
    assert operations >= 10
    assert not failures, "\n\n".join(failures)
