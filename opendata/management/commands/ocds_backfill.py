"""Write one OCDS release for every published project that has none (docs/architecture.md,
"Open data"). Safe to run again: it writes nothing the second time."""
from django.core.management.base import BaseCommand

from opendata.services.releases import release_backfill


class Command(BaseCommand):
    help = "Write one OCDS release (current state) for each project lacking one."

    def handle(self, *args, **options):
        written = release_backfill(actor=None)
        self.stdout.write(f"{len(written)} release(s) written.")
