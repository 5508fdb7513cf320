"""Accounts API: who am I."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["accounts"])


class PostOut(Schema):
    id: int
    role: str
    role_label: str
    area_id: int | None
    organisation_id: int | None
    scope_label: str


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    kind: str
    phone_masked: str
    id_number_masked: str
    posts: list[PostOut]


@router.get("/me", response=MeOut, summary="当前用户")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    return MeOut(
        id=user.pk,
        username=user.username,
        display_name=user.display_name,
        kind=user.kind,
        phone_masked=str(user.phone or ""),
        id_number_masked=str(user.id_number or ""),
        posts=[
            PostOut(
                id=p.pk, role=p.role, role_label=str(p.get_role_display()), area_id=p.area_id,
                organisation_id=p.organisation_id, scope_label=p.scope_label,
            )
            for p in user.active_posts()
        ],
    )
