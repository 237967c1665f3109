import pytest
from django.db import connection

from marketplace.catalogue import service_class


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _migration_rows(request):
    """Transactional tests flush every table, data-migration rows included: put them back."""
    if _is_transactional(request):
        request.getfixturevalue("transactional_db")
        from marketplace.regions import ensure_regions

        ensure_regions()


@pytest.fixture
def service_product_class(db):
    return service_class()


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


requires_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrency test: needs PostgreSQL row locks (runs in CI with DATABASE_URL)",
)
