"""Extension points of the project life cycle, for the credit ledger (``credit`` listens).

Each is sent synchronously inside the transaction of the state change, so a receiver's writes
commit or roll back with it. Receivers connect with a ``dispatch_uid``.
"""
from django.dispatch import Signal

award_refused = Signal()
"""The winner refused to sign or let the signing deadline pass. Args: ``award``, ``missed``
(True when the deadline passed, False for an explicit refusal), ``actor``."""

delivery_decided = Signal()
"""The purchaser accepted or returned a delivered result. Args: ``delivery``, ``accepted``
(bool), ``on_time`` (bool), ``actor``."""

objection_decided = Signal()
"""A regulator decided an objection. Args: ``objection``, ``upheld`` (bool), ``actor``."""

purchaser_defaulted = Signal()
"""The purchaser failed its part of the award (two-sided accountability, docs/design.md R9): the
signing deadline passed while the contract awaited the purchaser (``missed`` True), or the
purchaser declined the award without a cause the rules accept (``missed`` False). Args:
``award``, ``missed``, ``actor``, ``reason`` (the purchaser's own words when it declined,
public; empty for a missed deadline)."""
