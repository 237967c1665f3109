"""Send the notification deliveries left pending (a periodic step, docs/architecture.md)."""
from django.core.management.base import BaseCommand

from notifications.services.delivery import deliveries_retry


class Command(BaseCommand):
    help = "Send notification deliveries pending longer than NOTIFICATIONS_RETRY_AFTER seconds."

    def handle(self, *args, **options):
        sent = deliveries_retry()
        if sent:
            self.stdout.write(f"notifications_retry: {sent} sent")
