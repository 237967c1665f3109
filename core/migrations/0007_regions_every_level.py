from django.db import migrations

from core.regions import ensure_regions


def load(apps, schema_editor):
    """Every province, city and county of GB/T 2260 (python-stdnum's data, core/regions.py);
    the province rows already there keep their primary keys."""
    ensure_regions(apps.get_model("core", "Region"), refresh=True)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_region_levels_and_validity")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
