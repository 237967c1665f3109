"""The platform's periodic steps, in one list read by ``run_periodic`` (cron, once) and by the
Celery beat schedule (``marketplace/celery.py``). Each step is an idempotent management command,
safe to run twice at once (row locks); ``every`` is its beat interval in seconds."""

STEPS = {
    "close_signups": 30,         # sign-up deadlines: 流标 or on to selection
    "run_due_selections": 30,    # random draws, sealed quotes and complete panels due now
    "close_due_auctions": 30,    # live auctions past their end (nobody needs to be connected)
    "contract_deadlines": 30,    # objection periods over; missed signing deadlines → runner-up
    "bidding_reminders": 300,    # deadlines ahead (sign-up, auction, contract), 超时预警
    "sanctions_expire": 300,     # suspensions that have run their course
    "credit_reminders": 300,     # suspensions ending within a working day → the agency
    "ratings_reminders": 300,    # rating windows closing within a working day → who has not rated
    "audit_publish_head": 600,   # once a day (the command knows): the audit chain's head
    "notifications_retry": 60,   # deliveries left pending (broker down, worker killed)
    "webhooks_retry": 30,        # webhook deliveries due again (backoff) or left pending
    "opendata_export": 3600,     # once a day (the command knows): the open-data bulk files
}
