"""The per-day holiday calendar becomes per-year imported schedules (R13).

Each year that had administrator-entered days becomes one ``HolidaySchedule`` (no document
number or publication date: they were never recorded) holding those days unchanged, so every
such year is counted exactly as before: Monday to Friday, corrected by the entered days. Whoever
could edit the old calendar (users or groups with a ``*_holiday`` permission) gets the same
permission on the schedules.
"""
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

ACTIONS = ("add", "change", "delete", "view")


def days_to_schedules(apps, schema_editor):
    Holiday = apps.get_model("core", "Holiday")
    HolidaySchedule = apps.get_model("core", "HolidaySchedule")
    HolidayScheduleDay = apps.get_model("core", "HolidayScheduleDay")
    schedules = {}
    for day in Holiday.objects.order_by("date"):
        if day.date.year not in schedules:
            schedules[day.date.year] = HolidaySchedule.objects.create(year=day.date.year)
        HolidayScheduleDay.objects.create(schedule=schedules[day.date.year], date=day.date,
                                          is_working_day=day.is_working_day, name=day.name)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    new_type, _ = ContentType.objects.get_or_create(app_label="core", model="holidayschedule")
    for action in ACTIONS:
        old = Permission.objects.filter(content_type__app_label="core",
                                        codename=f"{action}_holiday").first()
        if old is None:
            continue
        new, _ = Permission.objects.get_or_create(
            content_type=new_type, codename=f"{action}_holidayschedule",
            defaults={"name": f"Can {action} holiday schedule"})
        for user in old.user_set.all():
            user.user_permissions.add(new)
        for group in old.group_set.all():
            group.permissions.add(new)


def schedules_to_days(apps, schema_editor):
    Holiday = apps.get_model("core", "Holiday")
    HolidayScheduleDay = apps.get_model("core", "HolidayScheduleDay")
    for day in HolidayScheduleDay.objects.all():
        Holiday.objects.create(date=day.date, is_working_day=day.is_working_day, name=day.name)


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("core", "0003_published_heads"),
    ]

    operations = [
        migrations.CreateModel(
            name="HolidaySchedule",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField(unique=True, verbose_name="year")),
                ("document", models.CharField(blank=True, help_text="e.g. 国办发明电〔2027〕1号",
                                              max_length=200, verbose_name="document number")),
                ("published_on", models.DateField(blank=True, null=True,
                                                  verbose_name="published on")),
                ("imported_at", models.DateTimeField(default=django.utils.timezone.now,
                                                     verbose_name="imported at")),
            ],
            options={
                "verbose_name": "holiday schedule",
                "verbose_name_plural": "holiday schedules",
                "ordering": ["-year"],
            },
        ),
        migrations.CreateModel(
            name="HolidayScheduleDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("date", models.DateField(unique=True, verbose_name="date")),
                ("is_working_day", models.BooleanField(default=False,
                                                       verbose_name="make-up working day")),
                ("name", models.CharField(blank=True, max_length=64, verbose_name="name")),
                ("schedule", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="days",
                    to="core.holidayschedule", verbose_name="holiday schedule")),
            ],
            options={
                "verbose_name": "scheduled day",
                "verbose_name_plural": "scheduled days",
                "ordering": ["date"],
            },
        ),
        migrations.RunPython(days_to_schedules, schedules_to_days),
        migrations.DeleteModel(name="Holiday"),
    ]
