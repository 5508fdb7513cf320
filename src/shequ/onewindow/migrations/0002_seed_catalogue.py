"""Seed the service catalogue, the materials and the certificate list (data only)."""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from shequ.onewindow.seeding import seed_catalogue

    seed_catalogue(apps)


class Migration(migrations.Migration):
    dependencies = [("onewindow", "0001_catalogue_applications_certificates")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
