"""The Celery application: the worker that delivers notifications and runs the periodic steps
on beat (README, "Background work"; docs/architecture.md, "Periodic work").

Configured from Django's settings (the ``CELERY_`` keys of marketplace/settings.py): the broker
is Redis when ``REDIS_URL`` is set, else kombu's filesystem transport in a project-local folder,
which needs no server and works between the processes of one machine. Start a worker with its
embedded beat (what ``make run`` does)::

    celery -A marketplace worker -B --pool=solo
"""
import os

from celery import Celery

from marketplace.periodic import STEPS

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def beat_schedule() -> dict:
    """One beat entry per periodic step of ``marketplace/periodic.py``."""
    return {step: {"task": "marketplace.run_step", "schedule": float(every), "args": (step,)}
            for step, every in STEPS.items()}


app.conf.beat_schedule = beat_schedule()


@app.on_after_configure.connect
def _broker_folders(sender, **kwargs):
    """The filesystem transport's folders must exist before anyone publishes."""
    for folder in (sender.conf.broker_transport_options or {}).values():
        if isinstance(folder, str) and folder.startswith("/"):
            os.makedirs(folder, exist_ok=True)
