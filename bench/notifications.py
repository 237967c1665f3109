"""Notification delivery benchmark: N notifications (default 10,000) through the real Celery
worker into the inbox, beside a baseline measured in the same run.

PostgreSQL database of its own (``mp_notifications_bench``, or the one ``DATABASE_URL``
names); the broker is Redis when ``REDIS_URL`` is set, else kombu's filesystem transport in a
temporary folder (the embedded default). The worker runs as ``make run`` starts it (one
process, ``--pool=solo``) unless ``--concurrency`` asks for a prefork pool.

  * **worker**: this process calls ``notify`` for N users, each in its own transaction (as a
    service would), while the worker delivers; throughput = N / (first intent written → last
    inbox row written); latency of each = its intent's ``created`` → its inbox row's ``created``
    (enqueue to inbox: commit, broker, worker, delivery transaction).
  * **baseline**: the same N inbox rows inserted directly by a bare loop here, one transaction
    each (what the delivery costs without the outbox, the broker and the worker).

    .venv/bin/python bench/notifications.py [--count 10000] [--concurrency 1]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    PYTHON,
    ROOT,
    bench_database,
    ensure_database,
    percentile,
    setup_django,
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=1,
                        help="1: --pool=solo (make run); more: a prefork pool of that size")
    args = parser.parse_args()
    n = args.count

    broker_dir = tempfile.mkdtemp(prefix="bench-notifications-")
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    os.environ.update({"CELERY_QUEUE": queue, "CELERY_BROKER_DIR": broker_dir,
                       "CELERY_TASK_ALWAYS_EAGER": "0", "NOTIFICATIONS_RETRY_AFTER": "600"})
    redis_url = os.environ.get("REDIS_URL", "").strip() or None
    url = ensure_database(bench_database("mp_notifications_bench"))
    setup_django(url, redis_url)

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from notifications.models import InboxItem, Notification
    from notifications.outbox import notify

    User = get_user_model()
    Notification.objects.all().delete()
    User.objects.filter(username__startswith="nb-").delete()
    User.objects.bulk_create([User(username=f"nb-{i}") for i in range(n)], batch_size=2000)
    users = list(User.objects.filter(username__startswith="nb-").order_by("pk"))
    data = {"project": "某片区控制性详细规划环评", "agency": "甲测绘有限公司"}
    broker = (redis_url or "filesystem://").split(":")[0]
    print(f"{n} notifications, broker {broker}, {connection.vendor}, "
          f"worker {'solo' if args.concurrency == 1 else f'prefork x{args.concurrency}'}")
    load_before = os.getloadavg()

    pool = (["--pool=solo"] if args.concurrency == 1
            else ["--pool=prefork", f"--concurrency={args.concurrency}"])
    log = open(Path(broker_dir) / "worker.log", "wb")
    worker = subprocess.Popen(
        [str(Path(PYTHON).parent / "celery"), "-A", "marketplace", "worker", *pool, "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"],
        cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT)
    try:
        time.sleep(2)  # let it start; what it misses waits in the queue
        started = time.perf_counter()
        for i, user in enumerate(users):
            with transaction.atomic():
                notify("award.made", to=[user], data=data, url="/awards/",
                       key=f"bench:{queue}:{i}")
        enqueued = time.perf_counter() - started
        deadline = time.monotonic() + 1800
        while InboxItem.objects.count() < n and time.monotonic() < deadline:
            time.sleep(0.25)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    load_worker = os.getloadavg()

    rows = list(InboxItem.objects.select_related("notification")
                .values_list("created", "notification__created"))
    if len(rows) < n:
        sys.exit(f"only {len(rows)} of {n} delivered (see {broker_dir}/worker.log)")
    first = min(c for _d, c in rows)
    last = max(d for d, _c in rows)
    span = (last - first).total_seconds()
    latencies = [(d - c).total_seconds() * 1000 for d, c in rows]

    # Baseline: the same inbox rows, inserted directly, one transaction each.
    notifications = list(Notification.objects.filter(key__startswith=f"bench:{queue}:")
                         .values_list("pk", "user_id"))
    InboxItem.objects.all().delete()
    started = time.perf_counter()
    for pk, user_id in notifications:
        with transaction.atomic():
            InboxItem.objects.create(notification_id=pk, user_id=user_id)
    baseline = time.perf_counter() - started
    load_after = os.getloadavg()

    print(f"worker:   {n / span:,.0f} deliveries/s ({n} in {span:.1f} s; notify() loop "
          f"{n / enqueued:,.0f}/s); enqueue→inbox p50 {percentile(latencies, 50):.1f} ms, "
          f"p95 {percentile(latencies, 95):.1f} ms, max {max(latencies):.1f} ms")
    print(f"baseline: {n / baseline:,.0f} inbox rows/s ({n} in {baseline:.1f} s, bare loop, "
          f"one transaction each)")
    print("load average (1/5/15 min): before {:.2f} {:.2f} {:.2f}, after the worker run "
          "{:.2f} {:.2f} {:.2f}, at the end {:.2f} {:.2f} {:.2f}".format(
              *load_before, *load_worker, *load_after))


if __name__ == "__main__":
    main()
