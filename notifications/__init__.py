"""Notifications: the durable outbox every service writes to inside its own transaction, the
delivery of each intent on each channel by the Celery worker (at least once, keyed per
recipient and channel), and the in-site inbox with its live unread badge.

It stands on the ground floor beside core and imports only core and Django, so every domain
app may call ``notifications.outbox.notify`` (docs/architecture.md, "Notifications")."""
