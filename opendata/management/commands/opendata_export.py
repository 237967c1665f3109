"""Write today's open-data bulk files (docs/architecture.md, "Open data"; "Periodic work")."""
from django.core.management.base import BaseCommand

from opendata.exports import export_bulk_files


class Command(BaseCommand):
    help = ("Write today's open-data bulk files (releases, OCDS package, flattened CSV/XLSX, "
            "sanctions, credit grades) and remove expired ones; skipped when today's files "
            "exist, unless --force.")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="write the files again even if today's exist")
        parser.add_argument("--no-flat", action="store_true",
                            help="leave out the flattened CSV/XLSX files")

    def handle(self, *args, force=False, no_flat=False, **options):
        written = export_bulk_files(force=force, flat=not no_flat)
        if written or options["verbosity"] > 1:  # run_periodic calls it every hour
            self.stdout.write(f"open data: wrote {', '.join(written)}" if written
                              else "open data: today's files exist")
