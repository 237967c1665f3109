"""A real Celery worker in a subprocess, SIGKILLed mid-run: nothing is lost and nothing reaches
the inbox twice.

The database is the test database (PostgreSQL when DATABASE_URL is set) or, on SQLite, a copy
of it in a file the subprocesses open; the broker is Redis when REDIS_URL is set (a queue of
this test's own), else kombu's filesystem transport in a temporary folder."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from notifications.models import Delivery, InboxItem

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(settings.BASE_DIR)
N = 800


class Scene:
    """Environment and readers for the subprocesses' database and broker."""

    def __init__(self, tmp_path: Path):
        env = {k: v for k, v in os.environ.items()
               if k not in ("TEST_DB_NAME", "DATABASE_URL", "SQLITE_PATH", "CELERY_BROKER_URL")}
        env.update({"DJANGO_SETTINGS_MODULE": "marketplace.settings", "DEBUG": "1",
                    "CELERY_TASK_ALWAYS_EAGER": "0", "NOTIFICATIONS_RETRY_AFTER": "0",
                    "CELERY_QUEUE": f"test-{uuid.uuid4().hex[:8]}",
                    "CELERY_BROKER_DIR": str(tmp_path / "broker"), "PYTHONPATH": str(ROOT)})
        db = connection.settings_dict
        self.sqlite = connection.vendor == "sqlite"
        if self.sqlite:
            self.path = tmp_path / "worker.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(self.path)
            connection.connection.backup(target)  # the migrated test database, as a file
            target.close()
            env["SQLITE_PATH"] = str(self.path)
        else:
            auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
            env["DATABASE_URL"] = (f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:"
                                   f"{db['PORT'] or 5432}/{db['NAME']}")
        if os.environ.get("REDIS_URL"):
            env["CELERY_BROKER_URL"] = os.environ["REDIS_URL"]
        self.env = env
        self.broker = env.get("CELERY_BROKER_URL", "filesystem://")
        self.logs = tmp_path

    def rows(self, sql: str) -> list[tuple]:
        if self.sqlite:
            with sqlite3.connect(self.path, timeout=20) as db:
                return db.execute(sql).fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    def clean_broker(self) -> None:
        """Drop this test's queue from Redis, and the messages the killed worker held unacked
        (kombu would put them back into the queue after its visibility timeout)."""
        if not self.broker.startswith("redis"):
            return
        r = redis.Redis.from_url(self.broker)
        queue = self.env["CELERY_QUEUE"]
        r.delete(queue)
        for tag, value in r.hscan_iter("unacked"):
            try:
                held_for = json.loads(value)[2]
            except (ValueError, IndexError, TypeError):
                continue
            if held_for == queue:
                r.hdel("unacked", tag)
                r.zrem("unacked_index", tag)

    def delivered(self) -> int:
        return self.rows(f"SELECT COUNT(*) FROM {InboxItem._meta.db_table}")[0][0]

    def worker(self, name: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "wb")
        return subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "marketplace", "worker",
             "--pool=solo", "-Q", self.env["CELERY_QUEUE"], "-n", f"{name}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)


def wait_for(predicate, timeout: float, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def test_a_worker_killed_mid_run_loses_nothing_and_delivers_nothing_twice(tmp_path):
    scene = Scene(tmp_path)
    subprocess.run([sys.executable, "-m", "tests.notifications.worker_scenario", str(N)],
                   cwd=ROOT, env=scene.env, check=True, timeout=300, capture_output=True)
    assert scene.delivered() == 0  # queued, not yet delivered: no worker runs

    first = scene.worker("first")
    try:
        assert wait_for(lambda: scene.delivered() >= N // 10, timeout=120), (
            (tmp_path / "first.log").read_text())
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    at_kill = scene.delivered()
    assert 0 < at_kill < N, f"the worker was not killed mid-run ({at_kill} of {N})"

    second = scene.worker("second")
    try:
        wait_for(lambda: scene.delivered() >= N, timeout=240, step=0.2)
        time.sleep(1.0)  # anything delivered twice would show up now
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(timeout=20)
        except subprocess.TimeoutExpired:
            second.kill()
        scene.clean_broker()

    inbox, distinct = scene.rows(
        f"SELECT COUNT(*), COUNT(DISTINCT notification_id) FROM {InboxItem._meta.db_table}")[0]
    statuses = dict(scene.rows(
        f"SELECT status, COUNT(*) FROM {Delivery._meta.db_table} GROUP BY status"))
    attempts = scene.rows(f"SELECT MAX(attempts) FROM {Delivery._meta.db_table}")[0][0]
    assert (inbox, distinct) == (N, N), (tmp_path / "second.log").read_text()[-3000:]
    assert statuses == {"sent": N}
    assert attempts == 1  # no delivery was completed twice, the killed one's never committed
    print(f"broker {scene.broker.split(':')[0]}, {connection.vendor}: killed at {at_kill}/{N}")
