"""Compile the .po catalogues to .mo with polib: no system gettext needed on a fresh machine."""
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po to .mo with polib (no GNU gettext needed)."

    def handle(self, *args, **options):
        count = 0
        bases = [Path(p) for p in settings.LOCALE_PATHS]
        bases += sorted(Path(settings.BASE_DIR).glob("*/locale"))  # our apps' own catalogues
        for base in bases:
            for po_path in base.glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                count += 1
        self.stdout.write(f"compiled {count} catalogue(s)")
