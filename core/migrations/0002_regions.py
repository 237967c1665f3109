from django.db import migrations

from core.regions import ensure_regions


def load(apps, schema_editor):
    ensure_regions(apps.get_model("core", "Region"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
