from django.db import migrations

from core.regions import PROVINCES


def load(apps, schema_editor):
    """The provinces (code and name only: the table has no other column yet); every other
    level is loaded by 0007_regions_every_level."""
    region = apps.get_model("core", "Region")
    for code, name in PROVINCES:
        region.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
