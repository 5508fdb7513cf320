from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0002_seed_reference_data")]

    operations: list = []
