"""我的消息: a user's in-app inbox, on the portal page and the API; nobody else's messages."""

from __future__ import annotations

from typing import Any

import pytest

from shequ.integration.outbox import Notification, NotificationStatus, enqueue
from shequ.integration.outbox.selectors import inbox_for

from .outbox_fixtures import resident

pytestmark = pytest.mark.django_db

API = "/api/v1/me/notifications"


@pytest.fixture
def people() -> dict[str, Any]:
    me, other = resident("13900001001", "居民甲"), resident("13900001002", "居民乙")
    for i in range(3):
        enqueue(channel="in_app", recipient=me, text=f"您的诉求第{i}次更新<b>", dedup_key=f"me:{i}")
    enqueue(channel="in_app", recipient=other, text="乙的消息", dedup_key="other:1")
    # an SMS to me is not an inbox message
    enqueue(channel="sms", recipient=me, text="短信内容", dedup_key="me:sms")
    return {"me": me, "other": other, "theirs": inbox_for(other).get()}


def test_the_inbox_lists_only_ones_own_messages_newest_first(
    client: Any, people: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client.force_login(people["me"])
    with django_assert_max_num_queries(12):
        html = client.get("/messages/").content.decode()
    positions = [html.index(f"您的诉求第{i}次更新") for i in (2, 1, 0)]
    assert positions == sorted(positions)
    assert "乙的消息" not in html
    assert "短信内容" not in html
    assert "&lt;b&gt;" in html
    assert "<b>" not in html
    assert "3条未读" in html


def test_the_inbox_list_does_not_grow_queries_with_messages(
    client: Any, people: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        enqueue(channel="in_app", recipient=people["me"], text=f"更多{i}", dedup_key=f"more:{i}")
    client.force_login(people["me"])
    with django_assert_max_num_queries(12):
        assert client.get("/messages/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(API, {"limit": 50}).json()["count"] == 33


def test_opening_a_message_marks_it_read(client: Any, people: dict[str, Any]) -> None:
    client.force_login(people["me"])
    mine = inbox_for(people["me"])[0]
    html = client.get(f"/messages/{mine.pk}/").content.decode()
    assert "您的诉求第2次更新" in html
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "2条未读" in client.get("/messages/").content.decode()
    response = client.post("/messages/read-all/")
    assert response.status_code == 302
    assert inbox_for(people["me"]).filter(read_at__isnull=True).count() == 0
    assert "条未读" not in client.get("/messages/").content.decode()


def test_another_users_message_is_404_on_every_route(client: Any, people: dict[str, Any]) -> None:
    client.force_login(people["me"])
    theirs = people["theirs"]
    assert client.get(f"/messages/{theirs.pk}/").status_code == 404
    assert client.post(f"/messages/{theirs.pk}/").status_code == 404
    assert client.get(f"{API}/{theirs.pk}").status_code == 404
    assert client.post(f"{API}/{theirs.pk}/read").status_code == 404
    assert client.get(f"{API}/999999").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_visitor_is_sent_to_sign_in(client: Any, people: dict[str, Any]) -> None:
    response = client.get("/messages/")
    assert response.status_code == 302
    assert "next=/messages/" in response["Location"]
    assert client.get(API).status_code == 401


def test_the_api_lists_and_marks_read(client: Any, people: dict[str, Any]) -> None:
    client.force_login(people["me"])
    body = client.get(API).json()
    assert body["count"] == 3
    assert body["unread"] == 3
    assert [m["text"] for m in body["items"]] == [f"您的诉求第{i}次更新<b>" for i in (2, 1, 0)]
    first = body["items"][0]["id"]
    read = client.post(f"{API}/{first}/read").json()
    assert read["unread"] is False
    assert read["read_at"]
    assert client.get(API, {"unread_only": "true"}).json()["count"] == 2
    assert client.post(f"{API}/read-all").json() == {"marked": 2}
    assert client.get(API).json()["unread"] == 0
    assert client.get(API, {"limit": 0}).status_code == 422


def test_only_delivered_in_app_messages_show(client: Any, people: dict[str, Any]) -> None:
    mine = inbox_for(people["me"])[0]
    Notification.objects.filter(pk=mine.pk).update(status=NotificationStatus.PENDING, sent_at=None)
    client.force_login(people["me"])
    assert client.get(API).json()["count"] == 2
    assert client.get(f"/messages/{mine.pk}/").status_code == 404
