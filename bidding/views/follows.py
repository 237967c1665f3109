"""关注: the follow and unfollow buttons of the posting page (``bidding/services/follows.py``)."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bidding.services import follows
from bidding.views.postings import _act


@require_POST
@login_required
def project_follow(request, pk: int):
    return _act(request, pk, lambda p: follows.project_follow(actor=request.user, project=p),
                _("You follow this posting: you will be reminded before sign-up closes."))


@require_POST
@login_required
def project_unfollow(request, pk: int):
    return _act(request, pk, lambda p: follows.project_unfollow(actor=request.user, project=p),
                _("You no longer follow this posting."))
