import json

from django.core.management.base import BaseCommand, CommandError

from core.audit import audit_verify


class Command(BaseCommand):
    help = ("Verify the hash-chained audit trail: report the first altered, inserted or deleted "
            "event, a published head no longer on the chain (a rewritten history), and every "
            "audited business row that differs from its last audited state.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--heads", metavar="FILE",
            help="also check the heads kept in FILE (a copy of /audit/heads.json)")

    def handle(self, *args, heads=None, **options):
        kept = None
        if heads:
            try:
                with open(heads, encoding="utf-8") as fh:
                    body = json.load(fh)
                kept = body["heads"] if isinstance(body, dict) else body
                kept = [{"seq": int(h["seq"]), "hash": str(h["hash"]),
                         "date": str(h.get("date", "?")),
                         "streams": {str(k): [int(c), str(x)]
                                     for k, (c, x) in (h.get("streams") or {}).items()}}
                        for h in kept]
            except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
                raise CommandError(f"cannot read the heads in {heads}: {exc}") from None
        report = audit_verify(heads=kept)
        if not report.ok:
            raise CommandError(str(report))
        self.stdout.write(self.style.SUCCESS(str(report)))
