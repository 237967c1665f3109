"""Who may do what with projects, sign-ups, bids, awards, objections, contracts and deliveries:
the permissions of bidding, built from core/permissions.py's predicates. Services require them,
templates show buttons with ``{% can %}``, API views ask ``has_perm`` — one rule for all three.
"""
from __future__ import annotations

import rules  # noqa: F401
from django.utils.translation import gettext_lazy as _  # noqa: F401

from core.permissions import add_perm, is_agency, is_purchaser, is_regulator, is_system  # noqa: F401

# --- postings, sign-ups, selection methods, bids ----------------------------------------------




# --- awards, objections, contracts, deliveries --------------------------------------------------




