"""The declared life cycles of ratings and rating appeals and the ratings permissions."""
import pytest

from core.audit import registered_actions
from core.permissions import has_perm
from ratings.models import Rating, RatingAppeal
from tests.factories.core import purchaser_user, regulator_user

pytestmark = pytest.mark.django_db


def test_every_rating_and_appeal_move_has_a_registered_action():
    for machine in (Rating.transitions, RatingAppeal.transitions):
        for t in machine.table.values():
            assert t.action in registered_actions()


def test_a_voided_rating_moves_no_more_and_an_appeal_is_decided_once():
    assert Rating.transitions.names_from(Rating.Status.VOIDED) == []
    assert Rating.transitions.names_from(Rating.Status.APPEALED) == ["restore", "void"]
    assert RatingAppeal.transitions.names_from(RatingAppeal.Status.UPHELD) == []


def test_only_regulators_void_ratings_and_decide_appeals():
    for name in ("ratings.void_rating", "ratings.decide_appeal"):
        assert has_perm(regulator_user(), name)
        assert not has_perm(purchaser_user(), name)
        assert not has_perm(None, name)
