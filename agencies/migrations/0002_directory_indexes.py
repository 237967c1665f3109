"""The directory at 50,000 agencies (bench/directory.py).

Two values derived from related rows, so the directory neither anti-joins the regions served
nor computes every agency's lowest fee per request (``agencies.signals`` keeps them): "serves
every region" and the lowest reference fee. Indexes for the directory's orders, its counts and
the credit-code prefix search; an index on offers by item; and on PostgreSQL trigram indexes
for the searches by agency and qualification name (``name__icontains``).
"""

from django.db import migrations, models
from django.db.models import Exists, Min, OuterRef, Subquery

TRIGRAM_INDEXES = {  # name: (table, column)
    "agency_name_trgm_idx": ("agencies_agency", "name"),
    "qualification_name_trgm_idx": ("agencies_qualification", "name"),
}
SERVED_INDEX = "agency_served_region_idx"
OFFER_INDEX = "agency_offer_item_idx"


def derive_from_related_rows(apps, schema_editor):
    Agency = apps.get_model("agencies", "Agency")
    StockRecord = apps.get_model("partner", "StockRecord")
    served = Agency.service_regions.through.objects.filter(agency_id=OuterRef("pk"))
    Agency.objects.filter(Exists(served)).update(serves_everywhere=False)
    lowest = (StockRecord.objects.filter(partner_id=OuterRef("partner_id"), price__isnull=False)
              .order_by().values("partner_id").annotate(m=Min("price")).values("m"))
    Agency.objects.update(lowest_fee=Subquery(lowest))


def create_trigram_indexes(apps, schema_editor):
    """``name__icontains`` is ``UPPER(name) LIKE UPPER('%..%')``: these indexes serve it, and
    give the planner statistics on ``UPPER(name)`` (without them it guesses 2 matching rows)."""
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite scans; its databases are small
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in TRIGRAM_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                              f"USING gin (UPPER({column}) gin_trgm_ops)")


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in TRIGRAM_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("agencies", "0001_initial"),
        ("partner", "0007_partneraddress_code"),
    ]

    operations = [
        migrations.AddField(
            model_name="agency",
            name="serves_everywhere",
            field=models.BooleanField(
                default=True, db_default=True, editable=False,
                help_text="No region served is listed: the agency serves everywhere.",
                verbose_name="serves every region"),
        ),
        migrations.AddField(
            model_name="agency",
            name="lowest_fee",
            field=models.DecimalField(
                blank=True, decimal_places=2, editable=False,
                help_text="The lowest reference fee among the agency's offers.", max_digits=12,
                null=True, verbose_name="lowest reference fee"),
        ),
        migrations.RemoveIndex(model_name="agency", name="agency_rank_idx"),
        migrations.AddIndex(
            model_name="agency",
            index=models.Index(fields=["-credit_stars", "name", "id"], name="agency_rank_idx",
                               include=["standing", "region", "serves_everywhere", "partner"]),
        ),
        migrations.AddIndex(
            model_name="agency",
            index=models.Index(fields=["lowest_fee", "-credit_stars", "name", "id"],
                               name="agency_fee_idx"),
        ),
        migrations.AddIndex(
            model_name="agency",
            index=models.Index(fields=["standing", "credit_stars"],
                               name="agency_listed_stars_idx"),
        ),
        migrations.AddIndex(
            model_name="agency",
            index=models.Index(condition=models.Q(("standing__in", ["good", "warned"])),
                               fields=["partner"], name="agency_listed_partner_idx"),
        ),
        migrations.AddIndex(
            model_name="agency",
            index=models.Index(condition=models.Q(("standing__in", ["good", "warned"])),
                               fields=["region", "serves_everywhere", "id"],
                               name="agency_listed_region_idx"),
        ),
        migrations.AddIndex(
            model_name="agency",
            index=models.Index(fields=["uscc"], name="agency_uscc_prefix_idx",
                               opclasses=["varchar_pattern_ops"]),
        ),
        # Tables whose models are not ours (Django's through table, Oscar's stock records).
        migrations.RunSQL(
            f"CREATE INDEX {SERVED_INDEX} ON agencies_agency_service_regions "
            "(region_id, agency_id)",
            f"DROP INDEX {SERVED_INDEX}"),
        migrations.RunSQL(
            f"CREATE INDEX {OFFER_INDEX} ON partner_stockrecord (product_id, partner_id, price)",
            f"DROP INDEX {OFFER_INDEX}"),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
        # Last: PostgreSQL refuses CREATE INDEX on a table with pending (deferred) trigger events.
        migrations.RunPython(derive_from_related_rows, migrations.RunPython.noop,
                             elidable=True),
    ]
