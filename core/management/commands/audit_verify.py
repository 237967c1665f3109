from django.core.management.base import BaseCommand, CommandError

from core.audit import audit_verify


class Command(BaseCommand):
    help = "Verify the hash-chained audit trail; report the first altered, inserted or deleted row."

    def handle(self, *args, **options):
        report = audit_verify()
        if not report.ok:
            raise CommandError(str(report))
        self.stdout.write(self.style.SUCCESS(str(report)))
