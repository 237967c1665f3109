import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Tests register many agencies; PBKDF2 at 0.3 s per account would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    """Oscar caches product-class attributes; rolled-back tests reuse primary keys."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
