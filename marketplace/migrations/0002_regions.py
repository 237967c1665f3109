from django.db import migrations

from marketplace.regions import ensure_regions


def load(apps, schema_editor):
    ensure_regions(apps.get_model("marketplace", "Region"))


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
