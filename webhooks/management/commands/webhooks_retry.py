"""Attempt the webhook deliveries due now (a periodic step, docs/architecture.md, "Periodic
work")."""
from django.core.management.base import BaseCommand

from webhooks.services.sending import webhook_deliveries_retry


class Command(BaseCommand):
    help = "Send webhook deliveries whose next attempt is due (backoff over, or left pending)."

    def handle(self, *args, **options):
        sent = webhook_deliveries_retry()
        if sent:
            self.stdout.write(f"webhooks_retry: {sent} sent")
