"""Tell agencies whose suspension ends within one working day (cron/Celery beat; safe to run
twice: each suspension is announced once, by its notification key)."""
from django.core.management.base import BaseCommand

from credit.services.notices import sanction_expiry_reminders


class Command(BaseCommand):
    help = "Remind agencies whose suspension ends within one working day."

    def handle(self, *args, **options):
        done = sanction_expiry_reminders()
        self.stdout.write(f"reminded {done} suspensions")
