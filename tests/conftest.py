import pytest
from django.db import connection

from marketplace.catalogue import service_class


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def service_product_class(db):
    return service_class()


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


requires_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrency test: needs PostgreSQL row locks (runs in CI with DATABASE_URL)",
)
