"""Periodic work for cron / Celery beat: ``manage.py bidding_reminders``.

Reminds the parties of the deadlines ahead (sign-up closing, live bidding opening, contract to
sign) and warns of services past their time limit (超时预警), through the notification outbox
(``bidding/services/reminders.py``). Idempotent: each reminder's key holds its deadline."""
from django.core.management.base import BaseCommand

from bidding.services.reminders import reminders_send


class Command(BaseCommand):
    help = "Send the reminders of bidding deadlines (sign-up, auction, contract, service limit)."

    def handle(self, *args, **options):
        counts = reminders_send()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
