"""The audit chain in streams (docs/architecture.md, "Audit trail"): one head per stream, each
event's stream and position in it, the published heads of every stream, and on PostgreSQL the
sequence the global ``seq`` is drawn from. Existing events stay in stream 1 at their position
(``stream_seq = seq``), so they and the heads published before keep verifying."""
from django.db import migrations, models

STREAMS = 64  # core.audit.STREAMS, fixed: a migration does not import the code it migrates
SEQUENCE = "core_audit_seq"  # core.audit.SEQUENCE


def create_heads(apps, schema_editor):
    """One head per stream; stream 1 is the existing chain (its newest seq is its count)."""
    AuditHead = apps.get_model("core", "AuditHead")
    AuditHead.objects.filter(pk=1).update(last_seq=models.F("count"))
    AuditHead.objects.bulk_create([AuditHead(pk=n) for n in range(1, STREAMS + 1)],
                                  ignore_conflicts=True)


def create_sequence(apps, schema_editor):
    """PostgreSQL draws ``seq`` from a sequence, starting after the existing events."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} AS bigint")
    schema_editor.execute(
        f"SELECT setval('{SEQUENCE}', COALESCE((SELECT MAX(seq) FROM core_auditevent), 0) + 1, "
        "false)")


def drop_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0009_statutory_qualifications"),
    ]

    operations = [
        migrations.AlterField(
            model_name="audithead",
            name="id",
            field=models.PositiveSmallIntegerField(primary_key=True, serialize=False),
        ),
        migrations.AddField(
            model_name="audithead",
            name="last_seq",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="stream",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="stream"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="stream_seq",
            field=models.BigIntegerField(default=0, verbose_name="sequence in the stream"),
            preserve_default=False,
        ),
        migrations.RunSQL("UPDATE core_auditevent SET stream_seq = seq", migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("stream", "stream_seq"),
                                               name="uniq_audit_stream_seq"),
        ),
        migrations.AddField(
            model_name="publishedhead",
            name="streams",
            field=models.JSONField(blank=True, default=dict, verbose_name="stream heads"),
        ),
        migrations.RunPython(create_heads, migrations.RunPython.noop),
        migrations.RunPython(create_sequence, drop_sequence),
    ]
