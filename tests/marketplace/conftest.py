import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    """Oscar caches product-class attributes; rolled-back tests reuse primary keys."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
