"""Remind purchasers and agencies whose rating window closes within one working day
(cron/Celery beat; safe to run twice: each reminder is sent once, by its notification key)."""
from django.core.management.base import BaseCommand

from ratings.services.notices import rating_reminders


class Command(BaseCommand):
    help = "Remind the parties whose rating window closes within one working day."

    def handle(self, *args, **options):
        done = rating_reminders()
        self.stdout.write(f"sent {done} rating reminders")
