from django.db import migrations

from marketplace.regions import PROVINCES


def load(apps, schema_editor):
    Region = apps.get_model("marketplace", "Region")
    for code, name in PROVINCES:
        Region.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
