"""The periodic steps: one list for run_periodic (cron) and for Celery beat."""
from __future__ import annotations

from unittest import mock

import pytest
from django.core.management import get_commands

from marketplace.celery import app
from marketplace.management.commands import run_periodic
from marketplace.periodic import STEPS
from marketplace.tasks import run_step

PREVIOUS_STEPS = ["close_signups", "run_due_selections", "close_due_auctions",
                  "contract_deadlines", "sanctions_expire", "audit_publish_head"]


def test_beat_schedule_holds_every_periodic_step_and_each_is_a_command():
    schedule = app.conf.beat_schedule
    assert set(PREVIOUS_STEPS) | {"notifications_retry", "bidding_reminders", "credit_reminders",
                                  "ratings_reminders", "webhooks_retry",
                                  "opendata_export"} == set(STEPS)
    commands = get_commands()
    for step, every in STEPS.items():
        entry = schedule[step]
        assert entry["task"] == "marketplace.run_step" and entry["args"] == (step,)
        assert entry["schedule"] == every > 0
        assert step in commands
    app.loader.import_default_modules()  # what a starting worker does: autodiscovery
    # … finds the tasks the schedule and the outbox send
    assert {"marketplace.run_step", "notifications.deliveries_send",
            "notifications.deliveries_retry", "webhooks.deliveries_send",
            "webhooks.deliveries_retry"} <= set(app.tasks)


def test_run_periodic_runs_the_same_steps_once(monkeypatch):
    called = []
    monkeypatch.setattr(run_periodic, "call_command", lambda step, **kw: called.append(step))
    run_periodic.Command().handle(loop=0)
    assert called == list(STEPS)


def test_run_step_runs_only_a_periodic_step():
    with mock.patch("marketplace.tasks.call_command") as call:
        run_step.apply(args=("close_signups",)).get(disable_sync_subtasks=False)
    call.assert_called_once_with("close_signups")
    with pytest.raises(ValueError):
        run_step.apply(args=("flush",)).get(disable_sync_subtasks=False)
