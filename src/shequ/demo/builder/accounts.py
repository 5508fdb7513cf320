"""The demo's one account per role, and the table printed at start-up."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from shequ.accounts.models import User, UserKind
from shequ.accounts.roles import Role
from shequ.core.models import (
    Area,
    AreaLevel,
)
from shequ.core.pii import PIIKind, lookup_candidates

from ..factories import (
    DEMO_PASSWORD,
)


@dataclass(frozen=True)
class AccountSpec:
    role: str
    username: str


ACCOUNT_SPECS: tuple[AccountSpec, ...] = (
    AccountSpec(Role.GRID_WORKER, "wanggeyuan"),
    AccountSpec(Role.GRID_LEADER, "wanggezhang"),
    AccountSpec(Role.COMMUNITY_WORKER, "shegong"),
    AccountSpec(Role.COMMUNITY_HEAD, "shequ"),
    AccountSpec(Role.STREET_STAFF, "jiedao"),
    AccountSpec(Role.DEPARTMENT_HANDLER, "bumen"),
    AccountSpec(Role.DISTRICT_ADMIN, "quji"),
    AccountSpec(Role.CITY_ADMIN, "shiji"),
    AccountSpec(Role.SUPERVISION_MEMBER, "jiandu"),
    AccountSpec(Role.PROVIDER_STAFF, "fuwushang"),
    AccountSpec(Role.SYSTEM_ADMIN, "admin"),
)
TOTP_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.CITY_ADMIN, Role.SYSTEM_ADMIN})
RESIDENT_PHONE = "13951000001"


@dataclass
class DemoAccount:
    role: str
    username: str
    password: str
    place: str
    totp_secret: str = ""
    note: str = ""


# --------------------------------------------------------------------------- errors and state


def demo_accounts() -> list[DemoAccount]:
    """One account per role, read back from the database (so a rerun prints the same table)."""
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[s.username for s in ACCOUNT_SPECS], is_demo=True
        ).prefetch_related("posts__area", "posts__organisation")
    }
    accounts: list[DemoAccount] = []
    for spec in ACCOUNT_SPECS:
        user = users.get(spec.username)
        if user is None:
            continue
        post = next(iter(user.posts.all()), None)
        place = post.scope_label if post is not None else str(_("全平台"))
        if post is not None and post.area is not None:
            place = area_label(post.area)
        if spec.role == Role.SYSTEM_ADMIN:
            place = str(_("全平台"))
        secret = user.totp_secret.plaintext_for_processing() if user.totp_secret else ""
        accounts.append(
            DemoAccount(
                role=str(Role(spec.role).label),
                username=spec.username,
                password=DEMO_PASSWORD,
                place=place,
                totp_secret=secret,
                note=_("当前动态口令：python manage.py totp_code %(user)s") % {"user": spec.username}
                if secret
                else "",
            )
        )
    resident = (
        User.objects.filter(
            kind=UserKind.RESIDENT,
            is_demo=True,
            phone_digest__in=lookup_candidates(PIIKind.PHONE, RESIDENT_PHONE),
        )
        .select_related("home_area")
        .first()
    )
    if resident is not None:
        accounts.append(
            DemoAccount(
                role=str(_("居民")),
                username=RESIDENT_PHONE,
                password=str(_("（短信验证码）")),
                place=area_label(resident.home_area) if resident.home_area else "",
                note=_("用短信验证码登录；验证码显示在演示控制台"),
            )
        )
    return accounts


def area_label(area: Area) -> str:
    """ "鼓楼区 / 湖南路街道 / 竹苑社区": the managing chain below the city."""
    chain = [a.name for a in area.ancestors() if a.level != AreaLevel.CITY]
    return " / ".join([*chain, area.name])


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_accounts(accounts: Sequence[DemoAccount]) -> str:
    headers = [_("角色"), _("用户名"), _("密码"), _("区域/单位"), _("动态口令密钥 / 说明")]
    rows = [
        [a.role, a.username, a.password, a.place, "  ".join(x for x in (a.totp_secret, a.note) if x)]
        for a in accounts
    ]
    widths = [max(_width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers) - 1)]
    lines: list[str] = []

    def line(cells: Sequence[str]) -> str:
        return "  ".join(_pad(str(c), w) for c, w in zip(cells, widths, strict=False)) + "  " + str(cells[-1])

    lines.append(line(headers))
    lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 20)
    lines.extend(line(r) for r in rows)
    return "\n".join(lines)


def print_accounts(write: Callable[[str], Any]) -> None:
    accounts = demo_accounts()
    write(str(_("演示账户（密码均为 %(pw)s）：")) % {"pw": DEMO_PASSWORD})
    write(format_accounts(accounts))
    from shequ.appeals.demo import demo_api_key

    api_key = demo_api_key()
    if api_key is not None:
        write(_("Open311 接口密钥（%(name)s）：%(key)s") % {"name": api_key[0], "key": api_key[1]})
