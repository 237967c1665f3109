"""Publish today's heads of the audit chain (docs/architecture.md, "Periodic work")."""
from django.core.management.base import BaseCommand

from core.audit import audit_head_publish


class Command(BaseCommand):
    help = ("Publish today's heads of the audit chain's streams (their root hash, the number of "
            "events and each stream's length and hash) on /audit/ and /audit/heads.json; "
            "idempotent per day.")

    def handle(self, *args, **options):
        head, created = audit_head_publish()
        if created or options["verbosity"] > 1:  # run_periodic calls it every few seconds
            verb = "published" if created else "already published"
            self.stdout.write(f"audit head {verb} for {head.date}: #{head.seq} {head.hash}")
