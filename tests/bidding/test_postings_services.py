"""Posting and sign-up services (bidding.services.postings)."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from agencies.models import Agency, Practitioner
from bidding.draw import commitment_of
from bidding.models import Award, Project, SignUp
from bidding.rules import earliest_signup_deadline
from bidding.services.closing import close_due_signups, signups_close
from bidding.services.postings import (
    DocumentInput,
    project_create,
    project_publish,
    project_update,
    project_withdraw,
)
from bidding.services.signups import signup_cancel, signup_create
from core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from core.models import AuditEvent
from tests.concurrency import at_once
from tests.conftest import requires_postgres
from tests.factories import bidding as bf
from tests.factories.agencies import service_item
from tests.factories.core import regulator_user

pytestmark = pytest.mark.django_db

Status = Project.Status
Method = Project.Method


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _fields(item, **over):
    deadline = earliest_signup_deadline() + dt.timedelta(hours=2)
    fields = dict(
        item=item, title="某产业园区项目环境影响评价", content="编制环境影响报告书并配合技术评估",
        investment_code="2611-420100-04-01-000001", approval_case_no="鄂环审〔2026〕12号",
        service_days=30, method=Method.LIVE_BIDDING, ceiling=Decimal("200000"),
        floor=Decimal("120000"), step=Decimal("1000"), signup_deadline=deadline,
        selection_at=deadline + dt.timedelta(days=1), enquiry_phone="027-87000001",
        complaint_phone="027-87000002")
    fields.update(over)
    return fields


def _user_of(agency):
    return agency.organisation.members.get().user


# --- create / update / publish ----------------------------------------------------------------
def test_a_purchaser_creates_a_draft_with_qualifications_documents_and_avoidances():
    owner = bf.purchaser()
    item = service_item()
    avoided = bf.bidding_agency(item=item)
    project = project_create(
        actor=owner, fields=_fields(item),
        qualifications=[{"name": "环评资质", "grade": "", "legal_basis": "《环境影响评价法》第十九条"}],
        avoidances=[{"agency": avoided, "reason": "编制了本项目可研报告"}],
        documents=[DocumentInput(name="项目建议书", file=SimpleUploadedFile("a.pdf", b"%PDF-1"))])
    assert project.status == Status.DRAFT
    assert project.qualifications.get().legal_basis.startswith("《环境影响评价法》")
    assert project.avoidances.get().agency == avoided
    assert project.documents.get().name == "项目建议书"
    assert AuditEvent.objects.filter(action="project.created", object_id=str(project.pk)).exists()


def test_only_a_purchaser_may_create_a_project():
    agency = bf.bidding_agency(item=service_item())
    with pytest.raises(NotAllowed):
        project_create(actor=_user_of(agency), fields=_fields(service_item()))


def test_an_avoidance_without_reason_is_refused():
    item = service_item()
    with pytest.raises(ValidationFailed, match="reason"):
        project_create(actor=bf.purchaser(), fields=_fields(item),
                       avoidances=[{"agency": bf.bidding_agency(item=item), "reason": " "}])


def test_publish_refuses_a_disguised_designation_with_the_reason_by_field():
    owner = bf.purchaser()
    project = project_create(actor=owner, fields=_fields(service_item(),
                                                          other_requirements="注册资本不低于500万元"))
    with pytest.raises(ValidationFailed) as exc:
        project_publish(actor=owner, project=project)
    assert "注册资本不低于500万元" in str(exc.value)
    assert "other_requirements" in exc.value.fields
    project.refresh_from_db()
    assert project.status == Status.DRAFT


def test_publish_runs_r6_for_a_department_funded_service():
    owner = bf.purchaser(government=True)
    project = project_create(actor=owner, fields=_fields(
        service_item(), funding=Project.Funding.FISCAL, method=Method.DIRECT,
        amount=Decimal("30000"), ceiling=None, floor=None, step=None))
    with pytest.raises(ValidationFailed) as exc:
        project_publish(actor=owner, project=project)
    assert set(exc.value.fields) == {"method", "budget_line"}


def test_publish_opens_sign_up_and_is_audited():
    owner = bf.purchaser()
    project = project_create(actor=owner, fields=_fields(service_item()))
    project = project_publish(actor=owner, project=project)
    assert project.status == Status.PUBLISHED and project.published_at
    assert AuditEvent.objects.filter(action="project.published").count() == 1
    with pytest.raises(Conflict):
        project_publish(actor=owner, project=project)
    with pytest.raises(Conflict):
        project_update(actor=owner, project=project, fields={"title": "改名"})


def test_another_purchaser_cannot_publish_or_update_my_draft():
    project = project_create(actor=bf.purchaser(), fields=_fields(service_item()))
    stranger = bf.purchaser()
    with pytest.raises(NotAllowed):
        project_publish(actor=stranger, project=project)
    with pytest.raises(NotAllowed):
        project_update(actor=stranger, project=project, fields={"title": "x"})


def test_update_replaces_the_qualifications_of_a_draft():
    owner = bf.purchaser()
    project = project_create(actor=owner, fields=_fields(service_item()), qualifications=[
        {"name": "甲", "legal_basis": "《某法》第一条"}])
    project_update(actor=owner, project=project, fields={"title": "新名称"}, qualifications=[
        {"name": "测绘资质", "grade": "乙级", "legal_basis": "《测绘法》第二十七条"}])
    project.refresh_from_db()
    assert project.title == "新名称"
    assert [q.name for q in project.qualifications.all()] == ["测绘资质"]


# --- withdraw -----------------------------------------------------------------------------------
def test_the_purchaser_withdraws_before_selection_with_a_public_reason():
    project = bf.project()
    with pytest.raises(ValidationFailed):
        project_withdraw(actor=project.created_by, project=project, reason="")
    project = project_withdraw(actor=project.created_by, project=project,
                               reason="项目选址调整，暂缓实施")
    assert project.status == Status.WITHDRAWN
    assert project.status_reason == "项目选址调整，暂缓实施"


def test_withdrawing_after_the_selection_started_is_refused():
    project, _signups = bf.live_auction()
    with pytest.raises(Conflict):
        project_withdraw(actor=project.created_by, project=project, reason="不想要了")


def test_only_the_owner_may_withdraw():
    project = bf.project()
    with pytest.raises(NotAllowed):
        project_withdraw(actor=regulator_user(), project=project, reason="越权撤回")


# --- sign-up ------------------------------------------------------------------------------------
def test_an_eligible_agency_signs_up_and_cancels_while_sign_up_is_open():
    project = bf.project()
    agency = bf.bidding_agency(project)
    user = _user_of(agency)
    signup = signup_create(actor=user, project=project)
    assert signup.status == SignUp.Status.ACTIVE
    with pytest.raises(Conflict, match="already"):
        signup_create(actor=user, project=project)
    signup_cancel(actor=user, project=project)
    signup.refresh_from_db()
    assert signup.status == SignUp.Status.CANCELLED
    again = signup_create(actor=user, project=project)
    assert again.pk == signup.pk and again.status == SignUp.Status.ACTIVE
    actions = list(AuditEvent.objects.filter(action__startswith="signup.")
                   .values_list("action", flat=True))
    assert actions == ["signup.created", "signup.cancelled", "signup.created"]


def test_sign_up_is_refused_with_the_eligibility_reason():
    item = service_item()
    agency = bf.bidding_agency(item=item)
    project = bf.project(item=item, avoid=[(agency, "与业主存在控股关系")])
    with pytest.raises(NotAllowed, match="与业主存在控股关系"):
        signup_create(actor=_user_of(agency), project=project)
    assert not SignUp.objects.exists()


def test_a_suspended_agency_cannot_sign_up():
    project = bf.project()
    agency = bf.bidding_agency(project)
    Agency.objects.filter(pk=agency.pk).update(standing=Agency.Standing.SUSPENDED)
    with pytest.raises(NotAllowed, match="suspended"):
        signup_create(actor=_user_of(agency), project=project)


def test_sign_up_after_the_deadline_or_on_a_draft_is_refused():
    late = bf.project(signup_deadline=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(Conflict):
        signup_create(actor=_user_of(bf.bidding_agency(late)), project=late)
    draft = bf.draft()
    with pytest.raises(Conflict):
        signup_create(actor=_user_of(bf.bidding_agency(draft)), project=draft)


def test_practitioners_must_be_named_when_the_project_asks_for_them():
    project = bf.project(practitioner_count=2)
    agency = bf.bidding_agency(project)
    people = [Practitioner.objects.create(agency=agency, name=n) for n in ("王工", "刘工")]
    with pytest.raises(ValidationFailed, match="2 practitioners"):
        signup_create(actor=_user_of(agency), project=project, practitioners=people[:1])
    other = bf.bidding_agency(project)
    stranger = Practitioner.objects.create(agency=other, name="别家的人")
    with pytest.raises(ValidationFailed, match="own agency"):
        signup_create(actor=_user_of(agency), project=project,
                      practitioners=[people[0], stranger])
    signup = signup_create(actor=_user_of(agency), project=project, practitioners=people)
    assert set(signup.practitioners.all()) == set(people)


def test_cancelling_after_sign_up_closed_is_refused():
    project, (signup, *_rest) = bf.live_auction()
    with pytest.raises(Conflict):
        signup_cancel(actor=_user_of(signup.agency), project=project)


# --- closing sign-up ----------------------------------------------------------------------------
def _due(method=Method.LIVE_BIDDING, n=3, **fields):
    project = bf.project(method=method, signup_deadline=timezone.now() - dt.timedelta(minutes=5),
                         selection_at=timezone.now() + dt.timedelta(hours=1), **fields)
    signups = [bf.signup(project=project) for _ in range(n)]
    return project, signups


def test_too_few_signups_fail_the_project_with_a_public_reason():
    project, _signups = _due(n=2)
    project = signups_close(project=project)
    assert project.status == Status.FAILED
    assert "2 sign-up(s)" in project.status_reason and "at least 3" in project.status_reason
    assert AuditEvent.objects.filter(action="project.failed").count() == 1


def test_cancelled_signups_do_not_count():
    project, signups = _due(n=3)
    SignUp.objects.filter(pk=signups[0].pk).update(status=SignUp.Status.CANCELLED)
    project = signups_close(project=project)
    assert project.status == Status.FAILED and "2 sign-up(s)" in project.status_reason


def test_enough_signups_but_none_still_eligible_fails_with_that_reason():
    project, signups = _due(n=3)
    Agency.objects.filter(pk__in=[s.agency_id for s in signups]) \
        .update(standing=Agency.Standing.EXPELLED)
    project = signups_close(project=project)
    assert project.status == Status.FAILED and "none of the 3" in project.status_reason


def test_bidders_no_longer_eligible_at_close_get_no_label():
    project, signups = _due(n=4)
    Agency.objects.filter(pk=signups[1].agency_id).update(standing=Agency.Standing.EXPELLED)
    project = signups_close(project=project)
    assert project.status == Status.SELECTING
    labels = dict(SignUp.objects.filter(project=project).values_list("pk", "label"))
    assert [labels[s.pk] for s in signups] == ["A", "", "B", "C"]


def test_direct_selection_needs_only_one_signup():
    project, _signups = _due(method=Method.DIRECT, n=1)
    assert signups_close(project=project).status == Status.SELECTING


def test_closing_live_bidding_labels_bidders_in_signup_order_and_sets_the_auction_end():
    project, signups = _due(n=3, auction_minutes=20)
    project = signups_close(project=project)
    assert project.status == Status.SELECTING
    assert [s.label for s in SignUp.objects.filter(project=project).order_by("created")] == \
        ["A", "B", "C"]
    assert project.auction_ends_at == project.selection_at + dt.timedelta(minutes=20)


def test_closing_a_random_draw_publishes_the_commitment_of_a_secret_seed():
    project, _signups = _due(method=Method.RANDOM_DRAW, n=3)
    project = signups_close(project=project)
    assert len(project.draw_seed) == 64
    assert project.draw_commitment == commitment_of(project.draw_seed)
    event = AuditEvent.objects.get(action="project.signups_closed")
    assert event.data["draw_commitment"] == project.draw_commitment
    assert project.draw_seed not in str(event.data)


def test_closing_before_the_deadline_is_refused_and_closing_twice_changes_nothing():
    early = bf.project()
    with pytest.raises(Conflict):
        signups_close(project=early)
    project, _signups = _due(method=Method.RANDOM_DRAW)
    first = signups_close(project=project)
    second = signups_close(project=project)
    assert second.draw_commitment == first.draw_commitment
    assert AuditEvent.objects.filter(action="project.signups_closed").count() == 1


@pytest.mark.parametrize("quote_mode, quote, price", [
    (Project.QuoteMode.AMOUNT, Decimal("100000.00"), Decimal("100000.00")),
    (Project.QuoteMode.DISCOUNT, Decimal("5.00"), Decimal("95000.00")),
])
def test_a_single_valid_live_bidder_skips_the_auction_and_wins_at_the_ceiling_or_floor_rate(
        quote_mode, quote, price):
    """Three signed up (the default minimum), two were suspended or expelled since: the one
    still valid is awarded without an auction, at the value least favourable to it."""
    project, (only, *dropped) = _due(n=3, quote_mode=quote_mode)
    Agency.objects.filter(pk__in=[s.agency_id for s in dropped]) \
        .update(standing=Agency.Standing.EXPELLED)
    project = signups_close(project=project)
    assert project.status == Status.AWARDED
    award = Award.objects.get(project=project)
    assert award.signup == only and award.quote == quote and award.price == price
    assert award.computation["rule"] == "single_valid_bidder"


def test_close_signups_command_closes_every_due_project_and_is_idempotent():
    due1, _s = _due(n=3)
    due2, _s = _due(n=0)
    open_one = bf.project()
    call_command("close_signups")
    call_command("close_signups")
    assert {p.pk: p.status for p in Project.objects.all()} == {
        due1.pk: Status.SELECTING, due2.pk: Status.FAILED, open_one.pk: Status.PUBLISHED}
    assert AuditEvent.objects.filter(action__in=["project.signups_closed",
                                                 "project.failed"]).count() == 2


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_closers_at_once_make_exactly_one_transition():
    project, _signups = _due(method=Method.RANDOM_DRAW, n=3)
    results = at_once(2, lambda i: len(close_due_signups()))
    assert sorted(results) == [0, 1]
    assert AuditEvent.objects.filter(action="project.signups_closed").count() == 1
    project.refresh_from_db()
    assert project.status == Status.SELECTING
    assert project.draw_commitment == commitment_of(project.draw_seed)


def test_unknown_project_is_not_found():
    with pytest.raises(NotFound):
        signups_close(project=Project(pk=987654))
