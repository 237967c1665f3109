"""Selection methods other than live bidding (h6): draw, average price, comprehensive
evaluation, direct selection."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from agencies.models import Agency
from bidding import draw
from bidding.models import Award, Project
from bidding.services import draws, methods
from core.errors import Conflict, NotAllowed, ValidationFailed
from tests.factories import bidding as bf

pytestmark = pytest.mark.django_db
Method = Project.Method


# --- random draw -------------------------------------------------------------------------------


def test_draw_winner_is_the_published_formula_over_sorted_usccs_and_recomputes():
    project, signups = bf.selecting(method=Method.RANDOM_DRAW, bidders=4)
    award = draws.draw_run(actor=project.created_by, project=project)
    comp = award.computation
    usccs = sorted(s.agency.uscc for s in signups)
    import hashlib
    digest = hashlib.sha256((project.draw_seed + "|" + "|".join(usccs)).encode()).hexdigest()
    assert award.agency.uscc == usccs[int(digest, 16) % 4]
    assert comp["seed"] == project.draw_seed and comp["commitment"] == project.draw_commitment
    assert [c["uscc"] for c in comp["candidates"]] == usccs
    assert draw.verify_computation(comp).ok
    assert len(comp["ranking"]) == 4 and comp["ranking"][0]["uscc"] == award.agency.uscc


def test_draw_verify_command_prints_ok_and_mismatch_for_a_tampered_seed():
    project, _s = bf.selecting(method=Method.RANDOM_DRAW, bidders=3)
    award = draws.draw_run(actor=project.created_by, project=project)
    out = io.StringIO()
    call_command("draw_verify", str(project.pk), stdout=out)
    assert out.getvalue().startswith("OK")
    comp = dict(award.computation)
    comp["seed"] = "0" * 64
    Award.objects.filter(pk=award.pk).update(computation=comp)
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("draw_verify", str(project.pk), stdout=out)
    assert "MISMATCH" in out.getvalue()


def test_draw_verify_reports_a_winner_that_does_not_follow_from_the_seed():
    project, _s = bf.selecting(method=Method.RANDOM_DRAW, bidders=3)
    award = draws.draw_run(actor=project.created_by, project=project)
    comp = dict(award.computation)
    others = [c["uscc"] for c in comp["candidates"] if c["uscc"] != comp["winner_uscc"]]
    comp["winner_uscc"] = others[0]
    check = draw.verify_computation(comp)
    assert not check.ok and check.commitment_ok and not check.winner_ok


def test_draw_refuses_a_seed_that_does_not_match_the_commitment():
    project, _s = bf.selecting(method=Method.RANDOM_DRAW, bidders=3)
    Project.objects.filter(pk=project.pk).update(draw_seed="f" * 64)
    with pytest.raises(Conflict):
        draws.draw_run(actor=project.created_by, project=project)
    assert not Award.objects.exists()


def test_draw_is_idempotent_and_refused_before_selection_time_and_to_other_purchasers():
    project, _s = bf.selecting(method=Method.RANDOM_DRAW, bidders=3,
                               selection_at=timezone.now() + dt.timedelta(hours=1))
    with pytest.raises(Conflict):
        draws.draw_run(actor=project.created_by, project=project)
    Project.objects.filter(pk=project.pk).update(selection_at=timezone.now())
    with pytest.raises(NotAllowed):
        draws.draw_run(actor=bf.purchaser(), project=project)
    first = draws.draw_run(actor=project.created_by, project=project)
    again = draws.draw_run(actor=project.created_by, project=project)
    assert first.pk == again.pk and Award.objects.count() == 1


def test_draw_skips_suspended_agencies():
    project, signups = bf.selecting(method=Method.RANDOM_DRAW, bidders=3)
    Agency.objects.filter(pk__in=[signups[0].agency_id, signups[1].agency_id]).update(
        standing=Agency.Standing.SUSPENDED)
    award = draws.draw_run(actor=project.created_by, project=project)
    assert award.signup_id == signups[2].pk
    assert len(award.computation["candidates"]) == 1


# --- average price -----------------------------------------------------------------------------


def _quote(project, signup, value):
    user = signup.agency.organisation.members.first().user
    return methods.quote_submit(actor=user, project=project, quote=value)


def _open_for_quotes(bidders):
    project, signups = bf.selecting(method=Method.AVERAGE_PRICE, bidders=bidders,
                                    selection_at=timezone.now() + dt.timedelta(hours=1))
    return project, signups


def test_average_price_quote_closest_to_the_mean_wins():
    project, (a, b, c) = _open_for_quotes(3)
    _quote(project, a, "90000")
    _quote(project, b, "70000")
    _quote(project, c, "78000")  # mean 79333.33 → c is closest
    Project.objects.filter(pk=project.pk).update(selection_at=timezone.now())
    award = methods.quotes_open(actor=project.created_by, project=project)
    assert award.signup_id == c.pk and award.price == Decimal("78000.00")
    assert award.computation["mean"].startswith("79333.33")
    assert [r["signup"] for r in award.computation["ranking"]] == [c.pk, b.pk, a.pk]


def test_average_price_tie_goes_to_the_earlier_quote():
    project, (a, b) = _open_for_quotes(2)
    _quote(project, b, "70000")
    _quote(project, a, "90000")  # both 10000 from the mean 80000; b quoted first
    Project.objects.filter(pk=project.pk).update(selection_at=timezone.now())
    award = methods.quotes_open(actor=project.created_by, project=project)
    assert award.signup_id == b.pk


def test_sealed_quote_is_single_within_limits_and_closed_at_selection_time():
    project, (a, b) = _open_for_quotes(2)
    with pytest.raises(ValidationFailed):
        _quote(project, a, "150000")  # above the ceiling
    with pytest.raises(ValidationFailed):
        _quote(project, a, "abc")
    _quote(project, a, "80000")
    with pytest.raises(Conflict):
        _quote(project, a, "79000")
    Project.objects.filter(pk=project.pk).update(selection_at=timezone.now())
    with pytest.raises(Conflict):
        _quote(project, b, "80000")


def test_sealed_quote_is_not_in_the_audit_trail_before_opening():
    from core.models import AuditEvent

    project, (a, _b) = _open_for_quotes(2)
    _quote(project, a, "81234.56")
    assert not any("81234" in str(e.data) for e in AuditEvent.objects.all())


# --- comprehensive evaluation: tests/bidding/test_panels.py (the drawn expert panel) ----------


# --- direct selection --------------------------------------------------------------------------


def test_direct_pick_awards_an_agency_offering_the_item():
    project = bf.project(method=Method.DIRECT, amount=Decimal("50000"))
    chosen = bf.bidding_agency(project)
    award = methods.direct_pick(actor=project.created_by, project=project, agency=chosen)
    assert award.agency_id == chosen.pk and award.price == Decimal("50000.00")
    assert award.method == Method.DIRECT


def test_direct_pick_refused_for_department_funded_projects():
    owner = bf.purchaser(government=True)
    project = bf.project(owner=owner, method=Method.DIRECT, amount=Decimal("50000"))
    assert project.is_department_funded
    with pytest.raises(NotAllowed):
        methods.direct_pick(actor=owner, project=project, agency=bf.bidding_agency(project))
    assert not Award.objects.exists()


def test_direct_pick_refused_above_the_threshold_and_for_agencies_not_offering_the_item(settings):
    settings.MARKETPLACE = {**settings.MARKETPLACE, "DIRECT_SELECTION_MAX_AMOUNT": "100000"}
    project = bf.project(method=Method.DIRECT, amount=Decimal("150000"))
    with pytest.raises(NotAllowed):
        methods.direct_pick(actor=project.created_by, project=project,
                            agency=bf.bidding_agency(project))
    cheap = bf.project(method=Method.DIRECT, amount=Decimal("50000"))
    from tests.factories.agencies import agency
    with pytest.raises(ValidationFailed):
        methods.direct_pick(actor=cheap.created_by, project=cheap, agency=agency())


def test_run_due_selections_command_draws_due_projects_once():
    due, _s = bf.selecting(method=Method.RANDOM_DRAW, bidders=3)
    later, _l = bf.selecting(method=Method.RANDOM_DRAW, bidders=3,
                             selection_at=timezone.now() + dt.timedelta(hours=2))
    call_command("run_due_selections", stdout=io.StringIO())
    call_command("run_due_selections", stdout=io.StringIO())
    assert Award.objects.filter(project=due).count() == 1
    assert not Award.objects.filter(project=later).exists()
