"""Seed the appeal categories from data/categories.csv (reversible: the seeded codes are removed)."""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from shequ.appeals.catalogue import seed_categories

    seed_categories(apps.get_model("appeals", "Category"))


def unseed(apps: Any, schema_editor: Any) -> None:
    from shequ.appeals.catalogue import read_catalogue

    codes = [row.code for row in read_catalogue()]
    apps.get_model("appeals", "TrainingExample").objects.filter(category__code__in=codes).delete()
    apps.get_model("appeals", "Category").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
