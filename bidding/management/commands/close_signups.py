"""Close sign-up of every project whose deadline passed (for cron / Celery beat).

Safe to run twice at once: each project is closed under its row lock and a project already
closed is left as it is, so concurrent runs make exactly one transition per project.
"""
from django.core.management.base import BaseCommand

from bidding.services.closing import close_due_signups


class Command(BaseCommand):
    help = "Close sign-up of projects past their deadline: fail (流标) or move to selection."

    def handle(self, *args, **options):
        moved = close_due_signups()
        for project in moved:
            self.stdout.write(f"project {project.pk}: {project.status}")
        self.stdout.write(f"closed {len(moved)} project(s)")
