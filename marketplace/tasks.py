"""The periodic steps as one Celery task, scheduled by beat (``marketplace/celery.py``)."""
from celery import shared_task
from django.core.management import call_command

from marketplace.periodic import STEPS


@shared_task(name="marketplace.run_step", ignore_result=True)
def run_step(step: str) -> None:
    """Run the periodic step ``step`` (a management command of ``marketplace/periodic.py``)."""
    if step not in STEPS:
        raise ValueError(f"not a periodic step: {step!r}")
    call_command(step)
