import contextlib

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from core.audit import register_actions
from core.catalogue import service_class
from core.regions import ensure_regions, regions_loaded
from marketplace.celery import app as celery_app


def pytest_collection_modifyitems(config, items):
    """The browser tests, and the live badge whose frames are awaited within seconds, run on
    one xdist worker, one after the other (``--dist loadgroup``): two chromiums at once, or the
    page sweep beside a WebSocket test, starved each other of the two cores. The tests of a
    module that loads the demo run on one worker too."""
    for item in items:
        if item.get_closest_marker("browser") or item.nodeid.startswith(
                "tests/notifications/test_consumers.py"):
            item.add_marker(pytest.mark.xdist_group("browser"))
        elif "demo_module" in getattr(item, "fixturenames", ()):
            # A module that reads the demo loads it once per worker it runs on (15–20 s).
            item.add_marker(pytest.mark.xdist_group(f"demo:{item.module.__name__}"))


def pytest_configure(config):
    """Every test hashes passwords with MD5: factories and fixtures create hundreds of accounts
    and PBKDF2 costs about two seconds each on the CI machine. The demo test restores the real
    hasher for itself."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run in the caller (after commit, where on_commit callbacks run): no broker in unit
    # tests. tests/notifications/test_worker.py starts real workers in subprocesses.
    celery_app.conf.task_always_eager = True


TEST_ACTIONS = ("test.thing", "test.forged", "test.before", "test.after", "test.x", "test.one",
                "test.two", "test.three")


@pytest.fixture(autouse=True, scope="session")
def _test_audit_actions():
    """The audit trail's own tests append events of made-up types; declare them like any app."""
    register_actions({code: code for code in TEST_ACTIONS})


@pytest.fixture(autouse=True)
def _source_language():
    """Code called outside a request (services, commands) speaks the source language, English,
    so tests can match its messages; pages and the API negotiate their language per request
    (Chinese by default), and tests of stored public text override it themselves."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


def _uses_db(request) -> bool:
    return (request.node.get_closest_marker("django_db") is not None
            or "db" in request.fixturenames)


KEPT_BY_FLUSH = frozenset({"core_region", "django_content_type", "auth_permission",
                           "django_site"})
"""Tables a transactional test's flush leaves alone: the regions, rows of a data migration
that tests read and never change (3,500 rows put back after every flush cost more than the
flush itself), and the rows ``post_migrate`` re-creates after every flush (content types,
permissions, the site), which it then only finds there."""


def _test_sql_flush(style, connection, reset_sequences=True, allow_cascade=False):
    """The statements that empty the database after a transactional test: Django's own
    (``django.core.management.sql.sql_flush``) without ``KEPT_BY_FLUSH``, and on PostgreSQL
    ``DELETE`` instead of one ``TRUNCATE`` of all 160 tables, which creates new files for each
    of them (0.5 s a test quiet, 2 s under load, against a few ms for a test's few rows; the
    foreign keys are deferred, so the order does not matter)."""
    tables = [t for t in connection.introspection.django_table_names(
        only_existing=True, include_views=False) if t not in KEPT_BY_FLUSH]
    if connection.vendor == "postgresql" and not reset_sequences:
        quote = connection.ops.quote_name
        return ["SET CONSTRAINTS ALL DEFERRED", *(f"DELETE FROM {quote(t)}" for t in tables)]
    return connection.ops.sql_flush(style, tables, reset_sequences=reset_sequences,
                                    allow_cascade=allow_cascade)


@pytest.fixture(autouse=True, scope="session")
def _quick_flush():
    from unittest import mock
    with mock.patch("django.core.management.commands.flush.sql_flush", _test_sql_flush):
        yield


@pytest.fixture(autouse=True)
def _migration_rows(request):
    """The regions, rows of a data migration, survive a transactional test's flush
    (``KEPT_BY_FLUSH``) but not a test that migrates backwards: any database test that finds
    them gone puts them back (inside its own transaction if it has one, so it costs a single
    COUNT when they are there)."""
    if _is_transactional(request):
        request.getfixturevalue("transactional_db")
    elif _uses_db(request):
        request.getfixturevalue("db")
    else:
        return
    if not regions_loaded():
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


@contextlib.contextmanager
def module_transaction(django_db_blocker):
    """One outer transaction around a whole module's tests, rolled back when they are done, as
    Django's ``TestCase.setUpTestData`` does for a class: what a module-scoped fixture writes
    inside it is there for every test, and each test still runs in its own savepoint (the
    ``db`` fixture), so what one changes the next does not see. What was cached meanwhile
    names rows that are gone afterwards (Oscar's product-class attributes, content types): it
    is cleared, so the next module starts clean."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.db import transaction

    with django_db_blocker.unblock():
        if not regions_loaded():  # committed, like the migration rows they are
            ensure_regions()
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            cache.clear()
            ContentType.objects.clear_cache()


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once for a whole module whose tests read it (``module_transaction``):
    loading it per test cost 8–14 s each. Yields the load's seconds, its CPU seconds in this
    process, the number of SQL statements it ran and its printed output; the real password
    hasher stays on for the module (the demo logins are checked with it)."""
    import io
    import time

    from django.core.management import call_command
    from django.test.utils import override_settings

    real_hasher = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    media = tmp_path_factory.mktemp("demo-media")
    with translation.override("en"), \
            override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=real_hasher), \
            module_transaction(django_db_blocker):
        out = io.StringIO()
        statements = [0]

        def count(execute, sql, params, many, context):
            statements[0] += 1
            return execute(sql, params, many, context)

        started, cpu = time.monotonic(), time.process_time()
        with connection.execute_wrapper(count):
            call_command("load_demo", url="http://127.0.0.1:8101/", stdout=out)
        yield {"seconds": time.monotonic() - started, "cpu": time.process_time() - cpu,
               "statements": statements[0], "output": out.getvalue()}
