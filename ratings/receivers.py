"""The receiver of ratings on the project life cycle's extension points (``bidding.signals``),
connected in ``RatingsConfig.ready``: an accepted result opens the rating window, and both sides
are told inside the sender's transaction (``ratings/services/notices.py``)."""
from __future__ import annotations

from bidding import signals
from ratings.services import notices


def on_delivery_decided(sender, *, delivery, accepted, actor=None, **kwargs):
    """An accepted result opens the rating window (from the acceptance, as
    ``ratings/services/ratings.py::rating_accepted_at`` reads it); a returned one opens
    nothing."""
    if not accepted:
        return
    notices.rating_window_open_notify(delivery.award, accepted_at=delivery.modified)


def connect() -> None:
    signals.delivery_decided.connect(on_delivery_decided, dispatch_uid="ratings.delivery_decided")
