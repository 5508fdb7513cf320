"""Writes for accounts: users, posts, API tokens. Each writes one audit entry."""

from .management import (
    MANAGE_STAFF,
    area_out_of_reach,
    organisation_out_of_reach,
    post_add,
    post_end,
    require_manage_staff,
    staff_account_create,
    staff_deactivate,
    staff_reactivate,
)
from .profile import profile_update
from .staff import post_assign, staff_create
from .tokens import api_token_create, api_token_revoke, api_token_touch

__all__ = [
    "MANAGE_STAFF",
    "api_token_create",
    "api_token_revoke",
    "api_token_touch",
    "area_out_of_reach",
    "organisation_out_of_reach",
    "post_add",
    "post_assign",
    "post_end",
    "profile_update",
    "require_manage_staff",
    "staff_account_create",
    "staff_create",
    "staff_deactivate",
    "staff_reactivate",
]
