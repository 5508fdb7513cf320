"""The tag catalogue: groups that services target; the sensitive ones are special groups."""

from typing import Any

from django.db import migrations

TAGS = [
    # code, name, sensitive, order
    ("elderly_alone", "独居老人", False, 10),
    ("empty_nest", "空巢老人", False, 20),
    ("elderly_80", "高龄老人", False, 30),
    ("disabled", "残疾人", False, 40),
    ("dibao", "低保", False, 50),
    ("tekun", "特困", False, 60),
    ("floating", "流动人口", False, 70),
    ("left_behind_child", "留守儿童", False, 80),
    ("veteran", "退役军人", False, 90),
    ("community_correction", "社区矫正", True, 200),
    ("drug_user", "吸毒人员", True, 210),
    ("key_attention", "重点关注", True, 220),
]


def seed(apps: Any, schema_editor: Any) -> None:
    Tag = apps.get_model("registry", "Tag")
    for code, name, sensitive, order in TAGS:
        Tag.objects.update_or_create(
            code=code, defaults={"name": name, "sensitive": sensitive, "order": order}
        )


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("registry", "Tag").objects.filter(code__in=[t[0] for t in TAGS]).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
