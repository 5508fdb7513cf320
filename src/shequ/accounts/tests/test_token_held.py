"""Bearer tokens held per process (``shequ.core.held``), with the production recheck time.

The test settings ask the database every time (``SHEQU_TOKEN_RECHECK_SECONDS = 0``); these tests
switch the copy on and check that it saves the query and never keeps a revoked token, a
deactivated user or one request's state alive in this process.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from shequ.accounts.api_auth import digest_token
from shequ.accounts.models import ApiToken
from shequ.accounts.roles import Role
from shequ.accounts.selectors import HELD_TOKENS, api_token_by_digest
from shequ.accounts.services import api_token_create, api_token_revoke
from shequ.accounts.services.tokens import api_token_touch
from shequ.demo.factories import make_persona

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


@pytest.fixture
def held(settings: Any) -> Iterator[None]:
    settings.SHEQU_TOKEN_RECHECK_SECONDS = 3600
    HELD_TOKENS.forget_all()  # an earlier test's tokens are not this test's
    yield
    HELD_TOKENS.forget_all()


@pytest.fixture
def worker_token(mini: Any) -> tuple[Any, str]:
    worker = make_persona(mini, Role.GRID_WORKER)
    token, value = api_token_create(actor=worker, user=worker, name="巡查终端")
    return token, value


def test_a_held_token_answers_without_a_query(
    held: None, worker_token: tuple[Any, str], django_assert_num_queries: Any
) -> None:
    _token, value = worker_token
    digest = digest_token(value)
    with django_assert_num_queries(1):
        first = api_token_by_digest(digest)
    with django_assert_num_queries(0):
        again = api_token_by_digest(digest)
    assert first is not None
    assert again is not None
    assert again.user.username == first.user.username


def test_each_caller_gets_its_own_copy(held: None, worker_token: tuple[Any, str]) -> None:
    _token, value = worker_token
    digest = digest_token(value)
    one = api_token_by_digest(digest)
    assert one is not None
    one.user.display_name = "改过的名字"
    one.user._posts_cache = ["this request only"]  # type: ignore[attr-defined]
    two = api_token_by_digest(digest)
    assert two is not None
    assert two.user is not one.user
    assert two.user.display_name != "改过的名字"
    assert not hasattr(two.user, "_posts_cache")


def test_a_token_revoked_here_is_refused_at_once(
    client: Any, held: None, worker_token: tuple[Any, str]
) -> None:
    token, value = worker_token
    headers = {"Authorization": f"Bearer {value}"}
    assert client.get(ME, headers=headers).status_code == 200
    assert client.get(ME, headers=headers).status_code == 200  # now held
    api_token_revoke(actor=token.user, token=token)
    assert client.get(ME, headers=headers).status_code == 401


def test_a_user_deactivated_here_is_refused_at_once(
    client: Any, held: None, worker_token: tuple[Any, str]
) -> None:
    token, value = worker_token
    headers = {"Authorization": f"Bearer {value}"}
    assert client.get(ME, headers=headers).status_code == 200
    token.user.is_active = False
    token.user.save(update_fields=["is_active"])
    assert client.get(ME, headers=headers).status_code == 401


def test_a_revocation_elsewhere_shows_after_the_recheck_time(
    held: None, settings: Any, worker_token: tuple[Any, str]
) -> None:
    _token, value = worker_token
    digest = digest_token(value)
    assert api_token_by_digest(digest) is not None
    # another process revokes it: no signal reaches this one
    ApiToken.objects.filter(key_digest=digest).update(revoked_at=timezone.now())
    assert api_token_by_digest(digest) is not None  # still trusted within the recheck time
    settings.SHEQU_TOKEN_RECHECK_SECONDS = 0
    assert api_token_by_digest(digest) is None


def test_unknown_tokens_are_not_remembered(held: None, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(2):
        assert api_token_by_digest(digest_token("sq_nobody")) is None
        assert api_token_by_digest(digest_token("sq_nobody")) is None


def test_use_is_noted_once_a_minute_with_the_token_held(
    held: None, worker_token: tuple[Any, str], django_assert_num_queries: Any
) -> None:
    _token, value = worker_token
    digest = digest_token(value)
    now = timezone.now()
    found = api_token_by_digest(digest)
    assert found is not None
    with django_assert_num_queries(1):
        api_token_touch(token=found, now=now)
    with django_assert_num_queries(0):  # the held copy knows it was just noted
        again = api_token_by_digest(digest)
        assert again is not None
        api_token_touch(token=again, now=now + timedelta(seconds=30))
    with django_assert_num_queries(1):
        later = api_token_by_digest(digest)
        assert later is not None
        api_token_touch(token=later, now=now + timedelta(seconds=61))
