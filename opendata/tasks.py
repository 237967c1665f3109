"""The Celery task of open data (the app is ``marketplace/celery.py``): the daily bulk files
on demand. Beat runs the same work hourly as the periodic step ``opendata_export``
(``marketplace/periodic.py``), which does nothing once today's files exist."""
from celery import shared_task

from opendata.exports import export_bulk_files


@shared_task(name="opendata.export", ignore_result=True)
def export(force: bool = False) -> list[str]:
    return export_bulk_files(force=force)
