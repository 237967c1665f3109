"""End suspensions and blacklist periods that are over (cron/Celery beat; safe to run twice at
once)."""
from django.core.management.base import BaseCommand

from credit.services.sanctions import sanctions_expire


class Command(BaseCommand):
    help = "Expire sanctions whose period is over and restore the agencies' standing."

    def handle(self, *args, **options):
        done = sanctions_expire()
        self.stdout.write(f"expired {done} sanctions")
