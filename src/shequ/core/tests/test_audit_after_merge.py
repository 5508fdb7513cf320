"""After communities merge, the new community's head reads the old communities' audit history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shequ.accounts.roles import Role
from shequ.core.area_changes import area_merge
from shequ.core.models import AreaLevel
from shequ.core.selectors_audit import audit_entries_visible_to
from shequ.core.testing import make_audit_entry
from shequ.demo.factories import make_area, make_staff


@pytest.mark.django_db
def test_merged_community_sees_predecessors_entries(mini, personas) -> None:
    old = make_area("东湖新社区", AreaLevel.COMMUNITY, mini.street_a, code="320102002002")
    target = make_area("大悲巷新社区", AreaLevel.COMMUNITY, mini.street_a, code="320102002003")
    entry = make_audit_entry(area=old, action="test.before_merge")
    head = make_staff("new_head", Role.COMMUNITY_HEAD, area=target)
    sibling_head = personas[Role.COMMUNITY_HEAD]  # community_a: not part of the merge

    assert entry not in audit_entries_visible_to(head)
    area_merge(
        actor=personas[Role.DISTRICT_ADMIN],
        sources=[old],
        target=target,
        effective_on=timezone.localdate() + timedelta(days=1),
    )
    head = type(head).objects.get(pk=head.pk)
    assert entry in audit_entries_visible_to(head)
    assert entry not in audit_entries_visible_to(sibling_head)
