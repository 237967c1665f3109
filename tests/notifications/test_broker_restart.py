"""The task queue survives a Redis restart: a real Celery worker on a Redis server of the test's
own, killed and restarted empty (no persistence) while deliveries are under way, and notified
again while Redis is down. Every notification reaches the inbox exactly once.

A Redis that restarts empty has lost the queued delivery tasks, and the one the worker held
unacknowledged. Nothing else is lost, because the database is the outbox. The worker reconnects
by itself. The ``notifications_retry`` step, which beat sends every minute, then sends what stayed
pending. The test sends that step as beat does, through the restarted broker, so the worker runs it.
The services that notified while Redis was down committed normally: their ``on_commit`` enqueue
fails quietly (``robust=True``) and leaves the rows pending.

Runs on the test database of the session (SQLite copied to a file, or PostgreSQL)."""
from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time

import pytest
from celery import Celery

from bench.common import free_port
from notifications.models import Delivery
from tests.live.test_redis_restart import redis_server
from tests.notifications.test_worker import ROOT, Scene, wait_for

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(shutil.which("redis-server") is None,
                                 reason="needs redis-server to run a Redis of the test's own")]
N, DURING = 400, 10


def scenario(scene: Scene, count: int, prefix: str) -> None:
    subprocess.run([sys.executable, "-m", "tests.notifications.worker_scenario", str(count)],
                   cwd=ROOT, env={**scene.env, "SCENARIO_PREFIX": prefix}, check=True,
                   timeout=300, capture_output=True)


def test_deliveries_survive_a_redis_restart_exactly_once(tmp_path):
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    scene = Scene(tmp_path)
    scene.env["CELERY_BROKER_URL"] = scene.broker = broker
    with redis_server(port) as start:
        redis = start()
        scenario(scene, N, "before")
        worker = scene.worker("worker")
        try:
            assert wait_for(lambda: scene.delivered() >= N // 10, timeout=120), (
                (tmp_path / "worker.log").read_text())
            redis.send_signal(signal.SIGKILL)
            redis.wait(timeout=10)
            at_kill = scene.delivered()
            assert at_kill < N, "Redis was not killed mid-run"

            scenario(scene, DURING, "during")  # services keep working while Redis is down
            pending = scene.rows(f"SELECT COUNT(*) FROM {Delivery._meta.db_table} "
                                 "WHERE status = 'pending'")[0][0]
            assert pending >= DURING

            start()  # back, empty: the queued tasks are gone
            time.sleep(1.0)
            assert scene.delivered() < N + DURING  # nothing delivers them without the retry

            # A throwaway app of its own, never the process's current one: the tests that run
            # after this one in the same process enqueue through the marketplace app.
            beat = Celery("beat", broker=broker, set_as_current=False)
            beat.send_task("marketplace.run_step", args=("notifications_retry",),
                           queue=scene.env["CELERY_QUEUE"])
            beat.close()
            wait_for(lambda: scene.delivered() >= N + DURING, timeout=120, step=0.2)
            time.sleep(1.0)  # anything delivered twice would show up now
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()

    inbox, distinct = scene.rows("SELECT COUNT(*), COUNT(DISTINCT notification_id) "
                                 "FROM notifications_inboxitem")[0]
    statuses = dict(scene.rows(f"SELECT status, COUNT(*) FROM {Delivery._meta.db_table} "
                               "GROUP BY status"))
    assert (inbox, distinct) == (N + DURING, N + DURING), (
        (tmp_path / "worker.log").read_text()[-3000:])
    assert statuses == {"sent": N + DURING}
    print(f"Redis killed at {at_kill}/{N} delivered; {DURING} notified while it was down")
