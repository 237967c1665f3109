"""Run in a subprocess against the database and broker its environment names (the worker-kill
test, bench/notifications.py): ``python -m tests.notifications.worker_scenario N [--each]``
creates N users and notifies each of one event, in one transaction (or ``--each``: one
transaction per notify), so N delivery tasks reach the broker after commit."""
from __future__ import annotations

import os
import sys

import django


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from notifications.outbox import notify

    count, each = int(argv[0]), "--each" in argv
    prefix = os.environ.get("SCENARIO_PREFIX", "w")
    User = get_user_model()
    User.objects.bulk_create([User(username=f"{prefix}{i}") for i in range(count)])
    users = list(User.objects.filter(username__startswith=prefix).order_by("pk"))
    data = {"project": "某片区控制性详细规划环评", "agency": "甲测绘有限公司"}

    def one(user):
        notify("award.made", to=[user], data=data, url="/awards/", key=f"scenario:{user.pk}")

    if each:
        for user in users:
            with transaction.atomic():
                one(user)
    else:
        with transaction.atomic():
            for user in users:
                one(user)
    print(f"enqueued {len(users)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
