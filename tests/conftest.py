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
    page sweep beside a WebSocket test, starved each other of the two cores."""
    for item in items:
        if item.get_closest_marker("browser") or item.nodeid.startswith(
                "tests/notifications/test_consumers.py"):
            item.add_marker(pytest.mark.xdist_group("browser"))


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


@pytest.fixture(autouse=True)
def _migration_rows(request):
    """Transactional tests flush every table when they end, data-migration rows included: any
    database test that finds them gone puts them back (inside its own transaction if it has
    one, so it costs a single COUNT when nothing was flushed)."""
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


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once for a whole module whose tests read it (each test still runs in its
    own savepoint, so what one changes the next does not see): one outer transaction around the
    module, rolled back when it is done, as Django's ``TestCase.setUpTestData`` does for a class.
    Loading it per test cost 8–14 s each. Yields the load's seconds and printed output; the
    real password hasher stays on for the module (the demo logins are checked with it). Also the
    load's CPU seconds in this process and the number of SQL statements it ran."""
    import io
    import time

    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import transaction
    from django.test.utils import override_settings

    real_hasher = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), translation.override("en"), \
            override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=real_hasher):
        if not regions_loaded():  # committed, like the migration rows they are
            ensure_regions()
        outer = transaction.atomic()
        outer.__enter__()
        try:
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
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            # What was cached while the demo existed names rows that are gone now (Oscar's
            # product-class attributes, content types): the next module starts clean.
            cache.clear()
            ContentType.objects.clear_cache()
