"""The commit–reveal random draw (issue 10, item 5; bidding/draw.py): the platform commits at
publication, agencies commit at sign-up and reveal after it closes, the seed combines both,
and ``draw_verify`` recomputes everything from the published values and the audit trail."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import secrets
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from bidding import draw
from bidding.models import (
    Award,
    DrawCommitment,
    DrawContribution,
    Project,
    SignUp,
)
from bidding.rules import earliest_signup_deadline
from bidding.services import draws
from bidding.services.closing import signups_close
from bidding.services.postings import project_create, project_publish
from bidding.services.signups import signup_create
from core.errors import Conflict, NotFound, ValidationFailed
from core.models import AuditEvent
from tests.concurrency import at_once
from tests.conftest import requires_postgres
from tests.factories import bidding as bf
from tests.factories.agencies import service_item

pytestmark = pytest.mark.django_db
Method = Project.Method


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _user_of(agency):
    return agency.organisation.members.get().user


class World:
    """A published random draw with ``n`` agencies signed up; ``committing`` of them (by index)
    committed to a fresh contribution."""

    def __init__(self, *, n=4, committing=(0, 1, 2)):
        self.owner = bf.purchaser()
        deadline = earliest_signup_deadline() + dt.timedelta(hours=2)
        draft = project_create(actor=self.owner, fields=dict(
            item=service_item(), title="某项目勘测定界", content="勘测定界并配合审查",
            investment_code="2611-420100-04-01-000009", approval_case_no="鄂审〔2026〕9号",
            service_days=20, method=Method.RANDOM_DRAW, amount=Decimal("50000"),
            signup_deadline=deadline, selection_at=deadline + dt.timedelta(days=1),
            enquiry_phone="027-87000001", complaint_phone="027-87000002"))
        self.project = project_publish(actor=self.owner, project=draft)
        self.agencies = [bf.bidding_agency(self.project) for _ in range(n)]
        self.contributions = {}
        for i, agency in enumerate(self.agencies):
            commitment = ""
            if i in committing:
                self.contributions[i] = secrets.token_hex(32)
                commitment = sha(self.contributions[i])
            signup_create(actor=_user_of(agency), project=self.project,
                          draw_commitment=commitment)

    def close(self, *, selection_in=dt.timedelta(minutes=-1)):
        now = timezone.now()
        Project.objects.filter(pk=self.project.pk).update(
            signup_deadline=now - dt.timedelta(seconds=1), selection_at=now + selection_in)
        self.project = signups_close(project=self.project.pk, now=now)
        return self.project

    def reveal(self, i, value=None):
        return draws.draw_contribution_reveal(
            actor=_user_of(self.agencies[i]), project=self.project.pk,
            contribution=self.contributions[i] if value is None else value)

    def end_window(self):
        DrawCommitment.objects.filter(project=self.project).update(
            reveal_ends_at=timezone.now() - dt.timedelta(seconds=1))

    def secret(self):
        return draws.platform_secret_of(DrawCommitment.objects.get(project=self.project))

    def award(self):
        return Award.objects.get(project=self.project, rank=1)


def _verify(project) -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command("draw_verify", str(project.pk), stdout=out)
    except SystemExit as exc:
        return exc.code == 0, out.getvalue()
    return True, out.getvalue()


# --- the full protocol ---------------------------------------------------------------------------


def test_full_protocol_platform_commits_first_agencies_reveal_the_seed_combines_them(settings):
    settings.MARKETPLACE = {**settings.MARKETPLACE, "DRAW_REVEAL_MINUTES": 5}
    w = World(n=4, committing=(0, 1, 2))
    commitment = DrawCommitment.objects.get(project=w.project)
    published = AuditEvent.objects.get(action="draw.committed")
    first_signup = AuditEvent.objects.filter(action="signup.created").order_by("seq").first()
    assert published.data["platform_commitment"] == commitment.commitment
    assert published.at < first_signup.at
    assert first_signup.data["draw_commitment"] == sha(w.contributions[0])

    w.close()
    assert commitment.reveal_ends_at is None
    commitment.refresh_from_db()
    assert commitment.reveal_ends_at > timezone.now() + dt.timedelta(minutes=4)
    w.reveal(0)
    w.reveal(1)
    with pytest.raises(Conflict):  # agency 2 may still reveal: the purchaser cannot draw yet
        draws.draw_run(actor=w.owner, project=w.project.pk)
    w.end_window()
    call_command("run_due_selections", stdout=io.StringIO(), stderr=io.StringIO())

    award = w.award()
    comp = award.computation
    secret = w.secret()
    assert comp["scheme"] == "commit-reveal"
    assert comp["platform_secret"] == secret and sha(secret) == comp["platform_commitment"]
    seed = sha(secret + "|" + "|".join(sorted([w.contributions[0], w.contributions[1]])))
    assert comp["seed"] == seed
    usccs = sorted(a.uscc for a in w.agencies)
    assert award.agency.uscc == usccs[int(sha(seed + "|" + "|".join(usccs)), 16) % 4]
    by_uscc = {c["uscc"]: c for c in comp["contributions"]}
    assert by_uscc[w.agencies[2].uscc]["reveal"] is None
    assert by_uscc[w.agencies[0].uscc]["reveal"] == w.contributions[0]
    assert w.agencies[3].uscc not in by_uscc  # it did not commit
    assert [r["uscc"] for r in comp["ranking"]] == [
        r["uscc"] for r in draw.draw_ranking(seed, usccs)]
    assert draw.verify_computation(comp).ok
    ok, out = _verify(w.project)
    assert ok and out.startswith("OK"), out
    assert "not revealed" in out


def test_the_last_reveal_runs_the_draw_at_once():
    w = World(n=3, committing=(0, 1))
    w.close()
    w.reveal(0)
    assert not Award.objects.exists()
    w.reveal(1)
    award = w.award()
    assert award.computation["seed"] == sha(
        w.secret() + "|" + "|".join(sorted(w.contributions.values())))
    assert _verify(w.project)[0]


def test_the_last_reveal_before_the_selection_time_waits_for_it():
    w = World(n=3, committing=(0,))
    w.close(selection_in=dt.timedelta(hours=1))
    w.reveal(0)
    assert not Award.objects.exists()
    Project.objects.filter(pk=w.project.pk).update(
        selection_at=timezone.now() - dt.timedelta(seconds=1))
    call_command("run_due_selections", stdout=io.StringIO(), stderr=io.StringIO())
    assert w.award().computation["contributions"][0]["reveal"] == w.contributions[0]


def test_a_missing_reveal_does_not_block_the_draw():
    w = World(n=3, committing=(0, 1, 2))
    w.close()
    out = io.StringIO()
    call_command("run_due_selections", stdout=out, stderr=io.StringIO())
    assert not Award.objects.exists()  # the window is still open: not due, not an error
    assert "refused=0" in out.getvalue()
    w.end_window()
    award = draws.draw_run(actor=w.owner, project=w.project.pk)
    assert all(c["reveal"] is None for c in award.computation["contributions"])
    assert award.computation["seed"] == sha(w.secret() + "|")
    assert _verify(w.project)[0]


# --- refusals -------------------------------------------------------------------------------------


def test_a_reveal_that_does_not_hash_to_the_commitment_is_refused_and_nothing_is_saved():
    w = World(n=3, committing=(0, 1))
    w.close()
    with pytest.raises(ValidationFailed) as exc:
        w.reveal(0, value=w.contributions[1])
    assert "contribution" in exc.value.fields
    assert "does not match the commitment" in str(exc.value)
    with pytest.raises(ValidationFailed):
        w.reveal(0, value="not hex")
    assert not DrawContribution.objects.exclude(reveal="").exists()
    assert not AuditEvent.objects.filter(action="draw.contribution_revealed").exists()
    w.reveal(0)
    with pytest.raises(Conflict):
        w.reveal(0)


def test_reveals_only_in_the_window_and_only_for_a_committed_sign_up():
    w = World(n=3, committing=(0,))
    with pytest.raises(Conflict):  # sign-up still open
        w.reveal(0)
    w.close()
    with pytest.raises(Conflict):  # agency 1 committed nothing
        w.reveal(1, value=secrets.token_hex(32))
    with pytest.raises(NotFound):
        draws.draw_contribution_reveal(actor=_user_of(bf.bidding_agency(w.project)),
                                       project=w.project.pk, contribution=secrets.token_hex(32))
    w.end_window()
    with pytest.raises(Conflict):
        w.reveal(0)


@pytest.mark.parametrize("bad", ["abc", "g" * 64, "0" * 63, "0" * 65])
def test_a_commitment_at_sign_up_must_be_64_hex_characters(bad):
    w = World(n=0)
    agency = bf.bidding_agency(w.project)
    with pytest.raises(ValidationFailed) as exc:
        signup_create(actor=_user_of(agency), project=w.project, draw_commitment=bad)
    assert "draw_commitment" in exc.value.fields
    assert not SignUp.objects.exists()


def test_the_platform_secret_is_not_stored_in_plain_text_before_the_draw():
    w = World(n=3, committing=(0, 1))
    w.close()
    w.reveal(0)
    secret = w.secret()

    def stored_text():
        rows = []
        for model in (Project, SignUp, DrawCommitment, DrawContribution, Award, AuditEvent):
            for values in model.objects.values():
                rows.extend(str(v) for v in values.values())
        return "\n".join(rows)

    assert secret not in stored_text()
    w.reveal(1)  # the last reveal: the draw runs and publishes the secret
    assert secret in stored_text()


# --- draw_verify ----------------------------------------------------------------------------------


def _tamper_reveal(w, comp):
    comp["contributions"][0]["reveal"] = secrets.token_hex(32)


def _tamper_secret(w, comp):
    comp["platform_secret"] = secrets.token_hex(32)


def _tamper_ranking(w, comp):
    comp["ranking"] = list(reversed(comp["ranking"]))


def _hide_a_reveal_consistently(w, comp):
    """The platform drops a recorded reveal and recomputes everything else to match."""
    comp["contributions"][0]["reveal"] = None
    _recompute(comp)


def _swap_the_secret_consistently(w, comp):
    """A new secret with its own commitment: consistent, but not the one published first."""
    comp["platform_secret"] = secrets.token_hex(32)
    comp["platform_commitment"] = sha(comp["platform_secret"])
    _recompute(comp)


def _commitment_after_the_first_sign_up(w, comp):
    first = AuditEvent.objects.filter(action="signup.created").order_by("seq").first()
    AuditEvent.objects.filter(action="draw.committed").update(at=first.at + dt.timedelta(
        seconds=1))


def _recompute(comp):
    reveals = [c["reveal"] for c in comp["contributions"] if c["reveal"]]
    comp["seed"] = draw.combined_seed(comp["platform_secret"], reveals)
    usccs = [c["uscc"] for c in comp["candidates"]]
    rounds = draw.draw_ranking(comp["seed"], usccs)
    by_uscc = {r["uscc"]: r for r in comp["ranking"]}
    comp["ranking"] = [by_uscc[r["uscc"]] for r in rounds]
    comp["winner_uscc"] = rounds[0]["uscc"]


@pytest.mark.parametrize("tamper", [
    _tamper_reveal, _tamper_secret, _tamper_ranking, _hide_a_reveal_consistently,
    _swap_the_secret_consistently, _commitment_after_the_first_sign_up])
def test_draw_verify_passes_an_honest_draw_and_fails_each_tampering(tamper):
    w = World(n=4, committing=(0, 1, 2))
    w.close()
    w.reveal(0)
    w.reveal(1)
    w.end_window()
    award = draws.draw_run(actor=w.owner, project=w.project.pk)
    ok, out = _verify(w.project)
    assert ok, out
    comp = dict(award.computation)
    comp["contributions"] = [dict(c) for c in comp["contributions"]]
    comp["contributions"].sort(key=lambda c: c["reveal"] is None)  # a revealed one first
    tamper(w, comp)
    Award.objects.filter(pk=award.pk).update(computation=comp)
    ok, out = _verify(w.project)
    assert not ok and "MISMATCH" in out, out


def test_draw_verify_keeps_checking_draws_of_the_legacy_scheme():
    project, _s = bf.selecting(method=Method.RANDOM_DRAW, bidders=3)
    award = draws.draw_run(actor=project.created_by, project=project)
    assert award.computation["scheme"] == "legacy"
    ok, out = _verify(project)
    assert ok and "legacy" in out, out


# --- the published data recompute the ranking (property) -----------------------------------------

HEX64 = st.binary(min_size=32, max_size=32).map(bytes.hex)
USCC = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=18, max_size=18)


@hsettings(max_examples=60, deadline=None)
@given(secret=HEX64, contributions=st.lists(st.tuples(HEX64, st.booleans()), max_size=6),
       usccs=st.lists(USCC, min_size=1, max_size=8, unique=True))
def test_published_values_recompute_the_ranking_and_any_changed_reveal_is_caught(
        secret, contributions, usccs):
    reveals = [c for c, revealed in contributions if revealed]
    seed = draw.combined_seed(secret, reveals)
    rounds = draw.draw_ranking(seed, usccs)
    comp = {
        "scheme": draw.SCHEME, "platform_secret": secret, "platform_commitment": sha(secret),
        "contributions": [{"uscc": f"u{i}", "commitment": sha(c), "reveal": c if r else None}
                          for i, (c, r) in enumerate(contributions)],
        "seed": seed, "candidates": [{"uscc": u} for u in sorted(usccs)],
        "ranking": [{"uscc": r["uscc"]} for r in rounds], "winner_uscc": rounds[0]["uscc"],
    }
    check = draw.verify_commit_reveal(comp)
    assert check.ok, check.message
    # Recomputed independently from the documented formulas:
    expected_seed = hashlib.sha256((secret + "|" + "|".join(sorted(reveals))).encode()).hexdigest()
    remaining, order = sorted(usccs), []
    while remaining:
        digest = hashlib.sha256((expected_seed + "|" + "|".join(remaining)).encode()).hexdigest()
        order.append(remaining.pop(int(digest, 16) % len(remaining)))
    assert check.expected_seed == expected_seed and check.expected_ranking == order
    assert sorted(order) == sorted(usccs)
    if reveals:
        changed = next(c for c in comp["contributions"] if c["reveal"])
        last = changed["reveal"][-1]
        changed["reveal"] = changed["reveal"][:-1] + ("1" if last == "0" else "0")
        assert not draw.verify_commit_reveal(comp).ok


# --- API and pages -------------------------------------------------------------------------------


def _api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_api_sign_up_with_a_commitment_reveal_and_the_published_notice():
    w = World(n=0)
    detail = _api().get(f"/api/v1/projects/{w.project.pk}/").json()
    assert detail["draw_platform_commitment"] == DrawCommitment.objects.get().commitment
    agencies = [bf.bidding_agency(w.project) for _ in range(3)]
    bad = _api(_user_of(agencies[0])).post(f"/api/v1/projects/{w.project.pk}/signups/",
                                           {"draw_commitment": "xyz"}, format="json")
    assert bad.status_code == 400 and "draw_commitment" in bad.json()["errors"]
    contribution = secrets.token_hex(32)
    for i, agency in enumerate(agencies):
        r = _api(_user_of(agency)).post(
            f"/api/v1/projects/{w.project.pk}/signups/",
            {"draw_commitment": sha(contribution) if i == 0 else ""}, format="json")
        assert r.status_code == 201, r.content
    w.agencies = agencies
    w.close()
    url = f"/api/v1/projects/{w.project.pk}/draw/reveal/"
    wrong = _api(_user_of(agencies[0])).post(url, {"contribution": secrets.token_hex(32)},
                                             format="json")
    assert wrong.status_code == 400 and "contribution" in wrong.json()["errors"]
    assert "does not match" in wrong.json()["detail"]
    nothing = _api(_user_of(agencies[1])).post(url, {"contribution": contribution},
                                               format="json")
    assert nothing.status_code == 409
    ok = _api(_user_of(agencies[0])).post(url, {"contribution": contribution}, format="json")
    assert ok.status_code == 200 and ok.json()["reveal"] == contribution
    award_id = ok.json()["award"]  # the only committed agency revealed: drawn at once
    notice = _api().get(f"/api/v1/awards/{award_id}/").json()["computation"]
    assert notice["platform_secret"] == w.secret()
    assert notice["contributions"] == [{
        "uscc": agencies[0].uscc, "agency": agencies[0].name,
        "signup": SignUp.objects.get(agency=agencies[0]).pk, "commitment": sha(contribution),
        "committed_at": notice["contributions"][0]["committed_at"], "reveal": contribution,
        "revealed_at": notice["contributions"][0]["revealed_at"]}]
    assert "python3 -c" in notice["one_liner"]


def test_one_liner_on_the_notice_recomputes_the_winner():
    w = World(n=3, committing=(0, 1))
    w.close()
    w.reveal(0)
    w.end_window()
    award = draws.draw_run(actor=w.owner, project=w.project.pk)
    line = award.computation["one_liner"]
    code = line[len('python3 -c "'):-1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == [award.computation["seed"], award.agency.uscc]


def test_pages_sign_up_form_reveal_form_and_award_notice(client):
    w = World(n=2, committing=(0,))
    newcomer = bf.bidding_agency(w.project)
    client.force_login(_user_of(newcomer))
    page = client.get(f"/projects/{w.project.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert DrawCommitment.objects.get().commitment in page
    assert 'name="draw_commitment"' in page and "js/draw.js" in page
    contribution = secrets.token_hex(32)
    client.post(f"/projects/{w.project.pk}/signup/", {"draw_commitment": sha(contribution)})
    assert DrawContribution.objects.get(signup__agency=newcomer).commitment == sha(contribution)
    w.agencies.append(newcomer)
    w.contributions[2] = contribution
    w.close()
    page = client.get(f"/projects/{w.project.pk}/selection/").content.decode()
    assert "data-draw-reveal" in page and sha(contribution) in page
    client.post(f"/projects/{w.project.pk}/selection/reveal/", {"contribution": "0" * 64})
    assert not DrawContribution.objects.exclude(reveal="").exists()
    client.post(f"/projects/{w.project.pk}/selection/reveal/", {"contribution": contribution})
    w.end_window()
    award = draws.draw_run(actor=w.owner, project=w.project.pk)
    notice = client.get(f"/awards/{award.pk}/").content.decode()
    assert w.secret() in notice and contribution in notice
    assert sha(w.contributions[0]) in notice  # agency 0 committed but never revealed


def test_the_draw_pages_render_entirely_in_chinese(client):
    from tests.marketplace.test_translations import _english_words, _visible_text

    w = World(n=3, committing=(0,))
    client.force_login(_user_of(bf.bidding_agency(w.project)))  # may still sign up
    pages = [f"/projects/{w.project.pk}/"]
    w.close()
    client.force_login(_user_of(w.agencies[0]))
    pages += [f"/projects/{w.project.pk}/", f"/projects/{w.project.pk}/selection/"]
    for url in pages:
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert not _english_words(_visible_text(page)), url
    w.end_window()
    award = draws.draw_run(actor=w.owner, project=w.project.pk)
    page = client.get(f"/awards/{award.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "未揭示" in page
    assert not _english_words(_visible_text(page))


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_last_reveals_at_once_are_both_counted_and_make_one_award():
    w = World(n=3, committing=(0, 1))
    w.close()
    at_once(2, lambda i: w.reveal(i).pk)
    award = w.award()
    assert Award.objects.filter(project=w.project).count() == 1
    assert award.computation["seed"] == sha(
        w.secret() + "|" + "|".join(sorted(w.contributions.values())))
    assert _verify(w.project)[0]
