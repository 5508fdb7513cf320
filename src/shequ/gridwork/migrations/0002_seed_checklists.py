"""Seed the checklist catalogue: fire safety, e-bike charging, escape routes, gas."""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from shequ.gridwork.checklists import ensure_checklist_templates

    ensure_checklist_templates(apps)


def unseed(apps: Any, schema_editor: Any) -> None:
    from shequ.gridwork.checklists import remove_checklist_templates

    remove_checklist_templates(apps)


class Migration(migrations.Migration):
    dependencies = [("gridwork", "0001_patrols_visits_hazards")]

    operations = [migrations.RunPython(seed, unseed)]
