"""Policy rules as data: the catalog, look-up along the managing path, versions, checks and seeding."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from shequ.accounts.roles import Role
from shequ.core.models import AreaLevel, AuditEntry, Rule
from shequ.core.rule_catalog import CATALOG, CATALOG_LIST, Direction, RuleKind
from shequ.core.rules import (
    RuleCheck,
    RuleMissing,
    check,
    format_value,
    rule_set,
    rule_value,
    rule_values,
    seed_area_rules,
    seed_default_rules,
)
from shequ.demo.factories import make_area

PAY = "pay.urban_other.share_of_city_average_wage"
RATIO_URBAN = "staffing.households_per_worker.urban"
D2026 = date(2026, 1, 1)


@pytest.fixture
def seeded(db: Any) -> None:
    seed_default_rules()


def add(actor: Any, key: str, area: Any, value: Any, **kw: Any) -> Rule:
    kw.setdefault("valid_from", D2026)
    kw.setdefault("source", "测试文件第1条")
    return rule_set(actor=actor, key=key, area=area, value=value, **kw)


# --------------------------------------------------------------------------- the catalog


MISSION_KEYS = {
    # Rules and targets of the city document
    "community.households.urban",
    "community.households.rural",
    "grid.full_time_workers_min",
    "grid.leader_required_from_workers",
    "staffing.households_per_worker.urban",
    "staffing.households_per_worker.heavy_load",
    "staffing.households_per_worker.rural",
    "facility.service_centre_area.district",
    "facility.service_centre_area.street",
    "facility.service_centre_area.community_per_100_households",
    "facility.service_centre.service_share_min",
    "facility.service_centre.office_share_max",
    "funds.working.urban_community",
    "funds.operating.rural_community",
    "pay.urban_head.share_of_city_average_wage",
    PAY,
    "pay.rural_head.base_multiple_of_rural_income",
    "target.self_governance_compliance",
    "target.grid_coverage",
    "target.facility_compliance",
    "target.certified_social_workers.urban",
    "target.certified_social_workers.rural",
    "target.public_security_sense",
    "target.harmonious_community.urban",
    "target.harmonious_community.rural",
    # Self-governance defaults
    "election.term_years",
    "election.voter_list_days_before",
    "election.voter_list_objection_days",
    "election.voter_list_objection_answer_days",
    "election.proxies_per_voter_max",
    "election.validity_turnout_share",
    "election.elected_vote_share",
    "election.runoff_min_vote_share",
    "assembly.quorum_adult_share",
    "assembly.quorum_household_share",
    "assembly.decision_share",
    "representatives.households_per_representative",
    "representatives.share_of_assembly_min",
    "representatives.women_share_min",
    "recall.voter_share",
    "recall.representative_share",
    "disclosure.ordinary_interval_months",
    "disclosure.finance_interval_months",
    # Time
    "office_hours.morning",
    "office_hours.afternoon",
    "deadline.yellow_share",
}


def test_catalog_covers_every_documented_rule_with_a_source() -> None:
    assert set(CATALOG) >= MISSION_KEYS
    for spec in CATALOG_LIST:
        assert spec.source.strip(), spec.key
        assert spec.unit, spec.key
        if spec.kind == RuleKind.RATIO:
            assert 0 <= spec.default <= 1, spec.key
        if spec.kind == RuleKind.RANGE:
            assert spec.default_max is not None, spec.key
            assert spec.default_max >= spec.default, spec.key
    assert "宁委发〔2018〕25号" in CATALOG["staffing.households_per_worker.heavy_load"].source
    assert "200—250" in CATALOG["staffing.households_per_worker.heavy_load"].source
    assert "第十四条" in CATALOG["election.voter_list_days_before"].source
    assert CATALOG[PAY].direction == Direction.MIN
    assert CATALOG[RATIO_URBAN].direction == Direction.MAX


def test_every_key_has_an_effective_platform_default(seeded: None) -> None:
    found = rule_values([s.key for s in CATALOG_LIST], None, date(2026, 6, 1))
    assert set(found) == set(CATALOG)
    assert found["funds.working.urban_community"].value == 20_000_000
    assert found["funds.working.urban_community"].display == "200,000元"
    assert found["office_hours.morning"].display == "08:30—12:00"
    assert found["staffing.households_per_worker.heavy_load"].display == "200—250户/人"
    assert found["target.certified_social_workers.urban"].display == "65%"
    assert found[PAY].jurisdiction == "全平台默认"


def test_seeding_defaults_is_idempotent(seeded: None) -> None:
    before = Rule.objects.count()
    assert seed_default_rules() == 0
    assert Rule.objects.count() == before


# --------------------------------------------------------------------------- look-up


def test_nearest_area_up_the_managing_path_wins(seeded: None, personas: Any, mini: Any) -> None:
    sysadmin = personas[Role.SYSTEM_ADMIN]
    add(sysadmin, RATIO_URBAN, mini.city, 280)
    add(personas[Role.DISTRICT_ADMIN], RATIO_URBAN, mini.district_a, 250)
    on = date(2026, 3, 1)
    assert rule_value(RATIO_URBAN, mini.grid_a, on).value == 250
    assert rule_value(RATIO_URBAN, mini.community_a, on).jurisdiction == "玄武区"
    assert rule_value(RATIO_URBAN, mini.community_b, on).value == 280
    assert rule_value(RATIO_URBAN, mini.community_b, on).jurisdiction == "南京市"
    assert rule_value(RATIO_URBAN, None, on).value == 300
    # Before the local versions took effect the default applied everywhere.
    assert rule_value(RATIO_URBAN, mini.grid_a, date(2025, 12, 31)).value == 300


def test_look_up_costs_at_most_two_queries(
    seeded: None, mini: Any, django_assert_max_num_queries: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_max_num_queries(2):
        rule_value(RATIO_URBAN, mini.grid_a.pk)
    with django_assert_num_queries(1):
        rule_value(RATIO_URBAN, mini.grid_a)


def test_missing_rule_names_its_key(seeded: None, mini: Any) -> None:
    with pytest.raises(RuleMissing) as err:
        rule_value("no.such.rule", mini.community_a)
    assert err.value.key == "no.such.rule"
    assert "no.such.rule" in str(err.value)
    with pytest.raises(RuleMissing):
        rule_value(RATIO_URBAN, None, date(2010, 1, 1))  # before the document
    with pytest.raises(RuleMissing):
        rule_value(RATIO_URBAN, 999_999)


# --------------------------------------------------------------------------- writing


def test_new_versions_are_numbered_and_audited(seeded: None, personas: Any, mini: Any) -> None:
    admin = personas[Role.DISTRICT_ADMIN]
    first = add(admin, RATIO_URBAN, mini.district_a, 280, valid_to=date(2026, 6, 30), reason="试点")
    second = add(admin, RATIO_URBAN, mini.district_a, 260, valid_from=date(2026, 7, 1))
    assert (first.version, second.version) == (1, 2)
    assert second.unit == "户/人"
    assert second.created_by_id == admin.pk
    entries = AuditEntry.objects.filter(action="rule.create").order_by("id")
    assert [e.object_id for e in entries] == [str(first.pk), str(second.pk)]
    assert entries[0].reason == "试点"
    assert entries[0].area_id == mini.district_a.pk
    assert entries[1].changes["value"] == "260"
    assert rule_value(RATIO_URBAN, mini.community_a, date(2026, 6, 30)).value == 280
    assert rule_value(RATIO_URBAN, mini.community_a, date(2026, 7, 1)).value == 260


def test_overlap_is_refused_unless_superseding(seeded: None, personas: Any, mini: Any) -> None:
    admin = personas[Role.DISTRICT_ADMIN]
    current = add(admin, RATIO_URBAN, mini.district_a, 280)
    with pytest.raises(ValidationError) as err:
        add(admin, RATIO_URBAN, mini.district_a, 260, valid_from=date(2026, 9, 1))
    message = err.value.message_dict["valid_from"][0]
    assert "第1版" in message
    assert "重叠" in message
    assert "替换现行版本" in message
    assert Rule.objects.filter(key=RATIO_URBAN, area=mini.district_a).count() == 1

    new = add(admin, RATIO_URBAN, mini.district_a, 260, valid_from=date(2026, 9, 1), supersede=True)
    current.refresh_from_db()
    assert current.valid_to == date(2026, 8, 31)
    assert new.version == 2
    entry = AuditEntry.objects.get(object_id=str(new.pk), action="rule.create")
    assert entry.changes["superseded"]["version"] == 1
    assert AuditEntry.objects.filter(action="rule.create").count() == 2  # one per change
    # A version cannot be slipped in before the closed one either.
    with pytest.raises(ValidationError) as err:
        add(admin, RATIO_URBAN, mini.district_a, 270, valid_from=date(2026, 3, 1), valid_to=date(2026, 3, 31))
    assert "第1版" in err.value.message_dict["valid_from"][0]


@pytest.mark.parametrize(
    ("key", "value", "value_max", "field", "fragment"),
    [
        ("no.such.key", 1, None, "key", "未知的规则键"),
        ("target.grid_coverage", "1.2", None, "value", "0到1之间"),
        (RATIO_URBAN, -5, None, "value", "不能为负数"),
        (RATIO_URBAN, "abc", None, "value", "有效的数值"),
        (RATIO_URBAN, 300, 400, "value_max", "不设上限"),
        ("staffing.households_per_worker.heavy_load", 240, 220, "value_max", "不能小于下限值"),
        ("staffing.households_per_worker.heavy_load", 200, None, "value_max", "请填写上限值"),
        ("funds.working.urban_community", "20000000.5", None, "value", "应为整数"),
        ("office_hours.morning", 500, 1500, "value_max", "0—1440"),
        (RATIO_URBAN, "300.12345", None, "value", "4位小数"),
    ],
)
def test_bad_values_are_refused_field_by_field(
    seeded: None, personas: Any, mini: Any, key: str, value: Any, value_max: Any, field: str, fragment: str
) -> None:
    before = Rule.objects.count()
    with pytest.raises(ValidationError) as err:
        add(personas[Role.CITY_ADMIN], key, mini.city, value, value_max=value_max)
    assert fragment in err.value.message_dict[field][0]
    assert Rule.objects.count() == before
    assert not AuditEntry.objects.filter(action="rule.create").exists()


def test_period_and_source_are_required(seeded: None, personas: Any, mini: Any) -> None:
    with pytest.raises(ValidationError) as err:
        add(personas[Role.CITY_ADMIN], RATIO_URBAN, mini.city, 280, valid_to=date(2025, 12, 31), source=" ")
    errors = err.value.message_dict
    assert "不能早于生效日期" in errors["valid_to"][0]
    assert "请填写依据" in errors["source"][0]


def test_a_lower_area_may_be_stricter_but_not_laxer(seeded: None, personas: Any, mini: Any) -> None:
    sysadmin, district = personas[Role.SYSTEM_ADMIN], personas[Role.DISTRICT_ADMIN]
    add(sysadmin, PAY, mini.city, "0.75")  # the city raises the floor above the default 70 %
    with pytest.raises(ValidationError) as err:
        add(district, PAY, mini.district_a, "0.72")
    message = err.value.message_dict["value"][0]
    assert "南京市" in message
    assert "75%" in message
    assert "第1版" in message
    assert add(district, PAY, mini.district_a, "0.8").value == Decimal("0.8")
    # Lower is stricter for households per worker: 320 is laxer than the default 300.
    with pytest.raises(ValidationError) as err:
        add(district, RATIO_URBAN, mini.district_a, 320)
    assert "全平台默认" in err.value.message_dict["value"][0]
    add(district, RATIO_URBAN, mini.district_a, 250)
    # A street under 玄武区 is measured against 玄武区, not the default.
    with pytest.raises(ValidationError):
        add(sysadmin, RATIO_URBAN, mini.street_a, 280)
    # Ranges compare their ceiling when lower is stricter.
    heavy = "staffing.households_per_worker.heavy_load"
    with pytest.raises(ValidationError) as err:
        add(district, heavy, mini.district_a, 200, value_max=260)
    assert "value_max" in err.value.message_dict
    add(district, heavy, mini.district_a, 180, value_max=230)
    # Rules without a direction (office hours) may differ freely.
    add(district, "office_hours.afternoon", mini.district_a, 810, value_max=1020)


def test_who_may_set_rules(seeded: None, personas: Any, mini: Any) -> None:
    with pytest.raises(PermissionDenied):
        add(personas[Role.COMMUNITY_HEAD], RATIO_URBAN, mini.community_a, 250)
    with pytest.raises(PermissionDenied):
        add(personas[Role.DISTRICT_ADMIN], RATIO_URBAN, mini.district_b, 250)  # a sibling district
    with pytest.raises(PermissionDenied):
        add(personas[Role.CITY_ADMIN], RATIO_URBAN, None, 250)  # only a system admin sets defaults
    assert not Rule.objects.filter(key=RATIO_URBAN, version__gt=1).exists()
    default = add(
        personas[Role.SYSTEM_ADMIN], RATIO_URBAN, None, 290, valid_from=date(2026, 5, 1), supersede=True
    )
    assert default.version == 2
    assert rule_value(RATIO_URBAN, mini.community_b, date(2026, 5, 2)).value == 290


# --------------------------------------------------------------------------- checks


def test_checks_cite_the_rule_they_apply(seeded: None, personas: Any, mini: Any) -> None:
    result = check("target.grid_coverage", mini.community_a, 1)
    assert result.ok
    assert result.expected == "≥ 100%"
    assert "网格化管理服务覆盖率达100%" in result.citation
    assert "全平台默认" in result.citation
    assert not check("target.grid_coverage", mini.community_a, Decimal("0.99"))
    over = check(RATIO_URBAN, mini.community_a, 320)
    assert not over.ok
    assert over.expected == "≤ 300户/人"
    assert check(RATIO_URBAN, mini.community_a, 300).ok
    # "More than half" is strict; "at least a third" is not.
    assert not check("election.validity_turnout_share", mini.village_a, Decimal("0.5")).ok
    assert check("election.validity_turnout_share", mini.village_a, 0.51).ok
    assert check("election.validity_turnout_share", mini.village_a, 0.51).expected == "> 50%"
    assert check("staffing.households_per_worker.heavy_load", mini.community_a, 240).ok
    assert not check("staffing.households_per_worker.heavy_load", mini.community_a, 260).ok
    assert check("representatives.households_per_representative", mini.village_a, 10).ok
    assert not check("representatives.households_per_representative", mini.village_a, 16).ok
    # A district's own value is the one cited for its communities.
    add(personas[Role.DISTRICT_ADMIN], PAY, mini.district_a, "0.8")
    pay = check(PAY, mini.community_a, Decimal("0.75"))
    assert not pay.ok
    assert pay.expected == "≥ 80%"
    assert "玄武区" in pay.citation
    assert check(PAY, mini.community_b, Decimal("0.75")).ok


def test_rule_check_prefetches_for_many_areas(
    seeded: None, personas: Any, mini: Any, django_assert_num_queries: Any
) -> None:
    add(personas[Role.DISTRICT_ADMIN], PAY, mini.district_a, "0.8")
    areas = [mini.community_a, mini.community_b, mini.village_a, mini.grid_a, mini.grid_b]
    with django_assert_num_queries(1):
        checker = RuleCheck(on=date(2026, 6, 1)).prefetch([PAY, RATIO_URBAN], areas)
        results = [checker.check(PAY, a, Decimal("0.75")) for a in areas]
        results += [checker.check(RATIO_URBAN, a, 310) for a in areas]
    assert [r.ok for r in results[:5]] == [False, True, False, False, True]
    assert not any(r.ok for r in results[5:])


def test_format_value() -> None:
    assert format_value("funds.operating.rural_community", Decimal(30_000_000)) == "300,000元"
    assert format_value("election.runoff_min_vote_share", Decimal("0.3333")) == "33.33%"
    assert format_value("office_hours.afternoon", Decimal(840), Decimal(1050)) == "14:00—17:30"
    assert format_value("election.term_years", Decimal(5)) == "5年"


# --------------------------------------------------------------------------- district seeds


def test_nanjing_district_pay_rows(seeded: None, mini: Any) -> None:
    jiangning = make_area("江宁区", AreaLevel.DISTRICT, mini.city, code="320115")
    jiangbei = make_area("江北新区", AreaLevel.ZONE, mini.city)
    created = seed_area_rules(mini.city)
    by_area = {str(r.area): r.value for r in created}
    assert by_area == {
        "玄武区": Decimal("0.8"),
        "秦淮区": Decimal("0.8"),
        "江宁区": Decimal("0.7"),
        "江北新区": Decimal("0.7"),
    }
    assert all("宁委发〔2018〕25号" in r.source for r in created)
    assert seed_area_rules(mini.city) == []  # idempotent
    assert rule_value(PAY, mini.grid_a).value == Decimal("0.8")
    assert rule_value(PAY, jiangning).jurisdiction == "江宁区"
    assert rule_value(PAY, jiangbei).value == Decimal("0.7")
    assert AuditEntry.objects.filter(action="rule.seed_area").count() == 4


def test_other_cities_get_no_district_rows(seeded: None) -> None:
    suzhou = make_area("苏州市", AreaLevel.CITY, None, code="320500")
    make_area("姑苏区", AreaLevel.DISTRICT, suzhou, code="320508")
    assert seed_area_rules(suzhou) == []


def test_seed_rules_command(seeded: None, mini: Any) -> None:
    out = StringIO()
    call_command("seed_rules", "--city-code", "320100", stdout=out)
    assert "新增 2 条" in out.getvalue()
    assert Rule.objects.filter(key=PAY, area__isnull=False).count() == 2
    call_command("seed_rules", "--city-code", "320100", stdout=StringIO())
    assert Rule.objects.filter(key=PAY, area__isnull=False).count() == 2
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_rules", "--city-code", "999999", stdout=StringIO())


def test_expired_versions_do_not_apply(seeded: None, personas: Any, mini: Any) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    add(
        personas[Role.DISTRICT_ADMIN],
        RATIO_URBAN,
        mini.district_a,
        250,
        valid_from=today - timedelta(days=30),
        valid_to=today - timedelta(days=1),
    )
    assert rule_value(RATIO_URBAN, mini.community_a).value == 300
