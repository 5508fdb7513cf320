"""Mutual aid: offer and request matched and completed (acceptance), privacy, moderation, access."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from shequ.accounts.roles import Role
from shequ.commons import services
from shequ.commons.factories import make_aid_post
from shequ.commons.models import AidKind, AidMatchStatus, AidPostStatus, AidThanks
from shequ.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_offer_and_request_matched_by_the_community_and_completed(
    client: Any,
    neighbours: dict[str, Any],
    personas: dict[str, Any],
    sms_outbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    wang, li = neighbours["wang"], neighbours["li"]
    request = services.aid_post_create(
        actor=wang, kind=AidKind.REQUEST, category="elderly", title="老伴住院，需要有人帮忙送饭"
    )
    offer = services.aid_post_create(
        actor=li, kind=AidKind.OFFER, category="elderly", title="可以每天中午送饭"
    )
    # before matching: li sees wang's post with a masked phone only
    client.force_login(li)
    page = client.get("/commons/aid/").content.decode()
    assert "老伴住院" in page
    assert "139****0001" in page
    assert "13911110001" not in page
    assert "王**" in page  # the name is masked too
    worker = personas[Role.COMMUNITY_WORKER]
    with django_capture_on_commit_callbacks(execute=True):
        match = services.aid_match_create(actor=worker, offer=offer, request=request, note="社区对接")
    assert match.status == AidMatchStatus.CONFIRMED
    assert "13911110002" in sms_outbox.last_to("13911110001").text  # each side gets the other's phone
    assert "13911110001" in sms_outbox.last_to("13911110002").text
    # after matching: the pair see each other's phone in full, nobody else does
    page = client.get("/commons/aid/").content.decode()
    assert "13911110001" in page
    client.force_login(neighbours["zhao"])  # another community: sees nothing of it
    page = client.get("/commons/aid/").content.decode()
    assert "老伴住院" not in page
    assert "13911110001" not in page
    # completion recorded by both sides
    client.force_login(li)
    assert client.post(f"/commons/aid/matches/{match.pk}/done/").status_code == 302
    match.refresh_from_db()
    assert match.status == AidMatchStatus.CONFIRMED
    assert match.offer_done_at is not None
    with pytest.raises(ValidationError):
        services.aid_match_done(actor=li, match=match)
    services.aid_match_done(actor=wang, match=match)
    match.refresh_from_db()
    assert match.status == AidMatchStatus.COMPLETED
    assert match.completed_at is not None
    request.refresh_from_db()
    offer.refresh_from_db()
    assert request.status == offer.status == AidPostStatus.COMPLETED
    # thanks, public
    client.force_login(wang)
    response = client.post(
        f"/commons/aid/matches/{match.pk}/thanks/", {"message": "谢谢李师傅！", "is_public": "1"}
    )
    assert response.status_code == 302
    assert AidThanks.objects.get(match=match, author=wang).is_public
    assert "谢谢李师傅！" in client.get("/commons/aid/").content.decode()
    actions = set(
        AuditEntry.objects.filter(action__startswith="commons.aid.").values_list("action", flat=True)
    )
    assert {"commons.aid.post", "commons.aid.match", "commons.aid.done", "commons.aid.thanks"} <= actions


def test_a_resident_responds_and_staff_confirm(neighbours: dict[str, Any], personas: dict[str, Any]) -> None:
    wang, li = neighbours["wang"], neighbours["li"]
    post = services.aid_post_create(
        actor=wang, kind=AidKind.REQUEST, category="emergency", title="停电，需借发电机"
    )
    with pytest.raises(ValidationError):
        services.aid_respond(actor=wang, post=post)  # not one's own
    with pytest.raises(ValidationError):
        services.aid_respond(actor=neighbours["zhao"], post=post)  # another community
    match = services.aid_respond(actor=li, post=post, note="我家有一台")
    assert match.status == AidMatchStatus.PROPOSED
    assert match.offer.author == li
    with pytest.raises(ValidationError):
        services.aid_respond(actor=li, post=post)
    services.aid_match_confirm(actor=personas[Role.COMMUNITY_WORKER], match=match)
    match.refresh_from_db()
    assert match.status == AidMatchStatus.CONFIRMED
    with pytest.raises(ValidationError):  # supervision members only read
        services.aid_post_hide(actor=personas[Role.SUPERVISION_MEMBER], post=post, reason="x")


def test_moderation_hides_with_a_reason_and_is_audited(
    client: Any, neighbours: dict[str, Any], personas: dict[str, Any]
) -> None:
    post = make_aid_post(neighbours["wang"], "出售保健品，包治百病", kind=AidKind.OFFER)
    worker = personas[Role.COMMUNITY_WORKER]
    client.force_login(worker)
    response = client.post(f"/console/commons/aid/{post.pk}/hide/", {"reason": ""})
    assert response.status_code == 302
    post.refresh_from_db()
    assert not post.is_hidden
    client.post(f"/console/commons/aid/{post.pk}/hide/", {"reason": "涉嫌虚假宣传"})
    post.refresh_from_db()
    assert post.is_hidden
    assert post.hidden_reason == "涉嫌虚假宣传"
    assert post.hidden_by == worker
    entry = AuditEntry.objects.get(action="commons.aid.hide", object_id=str(post.pk))
    assert entry.reason == "涉嫌虚假宣传"
    client.force_login(neighbours["li"])
    assert "包治百病" not in client.get("/commons/aid/").content.decode()
    client.force_login(neighbours["wang"])  # the author sees why
    assert "涉嫌虚假宣传" in client.get("/commons/aid/").content.decode()


def test_staff_see_only_their_areas_posts(
    client: Any, neighbours: dict[str, Any], personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for i in range(12):
        make_aid_post(neighbours["wang"], f"需求{i}")
    other = make_aid_post(neighbours["zhao"], "钓鱼台的求助")
    client.force_login(personas[Role.COMMUNITY_WORKER])
    with django_assert_max_num_queries(14):
        page = client.get("/console/commons/aid/")
    text = page.content.decode()
    assert "需求11" in text
    assert "钓鱼台的求助" not in text
    assert client.get(f"/console/commons/aid/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/commons/aid/posts/{other.pk}").status_code == 404
    client.force_login(personas[Role.DEPARTMENT_HANDLER])  # organisation posts do not read residents' posts
    assert client.get("/api/v1/commons/aid/posts").json()["count"] == 0
    client.force_login(neighbours["wang"])
    with django_assert_max_num_queries(12):
        assert client.get("/commons/aid/").status_code == 200
