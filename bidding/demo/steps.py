"""The steps the bidding demo is made of (``bidding.demo``): demo accounts and items, postings
and the clock, and the work after the award. Every step goes through the real services; only the
clock is moved (deadlines, selection times and auction ends set into the past, an objection
period ended at its decision time)."""
from __future__ import annotations

import datetime as dt
import secrets
import zlib
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from agencies.models import Agency
from bidding.draw import commitment_of
from bidding.eligibility import eligibility_problems
from bidding.models import Award, DrawCommitment, Project, SignUp
from bidding.rules import earliest_signup_deadline
from bidding.services import contracts, deliveries, draws, methods
from bidding.services import postings as services
from bidding.services.auctions import auction_close, bid_place
from core.catalogue import Product
from core.models import Organisation, Region

Method = Project.Method


# --- accounts and items ---------------------------------------------------------------------


def user_named(username: str):
    return get_user_model().objects.get(username=username)


def users_named(*usernames: str) -> list:
    """Demo users in the order given (demo_agency1..3, agency_04 … agency_54: seed order)."""
    found = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
    return [found[name] for name in usernames if name in found]


def item_titled(title: str) -> Product:
    return Product.objects.get(title=title)


def member_of(agency: Agency):
    return agency.organisation.members.select_related("user").first().user


def offering_users(item: Product, n: int, prefer=()) -> list:
    """Users of ``n`` agencies in good standing offering ``item``, preferred usernames first."""
    agencies = list(Agency.objects.filter(partner__stockrecords__product=item,
                                          standing=Agency.Standing.GOOD)
                    .select_related("organisation").order_by("pk"))
    users = []
    for agency in agencies:
        member = agency.organisation.members.select_related("user").first()
        if member is not None:
            users.append(member.user)
    users.sort(key=lambda u: (u.username not in prefer, prefer.index(u.username)
                              if u.username in prefer else 0, u.pk))
    return users[:n]


def problems_of(user, project) -> list[str]:
    agency = Agency.objects.get(organisation__members__user=user)
    return eligibility_problems(agency=agency, project=project)


# --- postings and the clock -----------------------------------------------------------------


def posting_fields(item: Product, title: str, method: str, **over) -> dict:
    deadline = timezone.localtime(earliest_signup_deadline() + dt.timedelta(days=2)) \
        .replace(hour=17, minute=0)
    fields = dict(
        item=item, title=title, method=method,
        investment_code="2611-420100-04-01-" + str(zlib.crc32(title.encode()) % 1000000).zfill(6),
        approval_case_no="武审批〔2026〕" + str(zlib.crc32(title.encode()) % 900 + 100) + "号",
        approval_department=Organisation.objects.filter(kind=Organisation.Kind.APPROVAL).first(),
        region=Region.objects.filter(code="420100").first() or Region.objects.filter(
            code="420000").first(),
        scale="用地面积约12.6公顷，总投资约4.8亿元", content="按国家和省有关技术规范编制" + item.title
        + "，配合审批部门组织的技术审查并按审查意见修改完善，直至取得批复。",
        service_days=25, signup_deadline=deadline, selection_at=deadline + dt.timedelta(days=1),
        enquiry_phone="027-86001234", complaint_phone="027-86009876")
    fields.update(over)
    return fields


def post(owner, item, title, method, *, qualifications=(), **over) -> Project:
    project = services.project_create(actor=owner,
                                      fields=posting_fields(item, title, method, **over),
                                      qualifications=list(qualifications))
    return services.project_publish(actor=owner, project=project)


def sign_up(project: Project, users) -> None:
    for user in users:
        services.signup_create(actor=user, project=project)


def close(project: Project, *, selection_minutes_ago: int = 2) -> Project:
    """Move the clock of ``project`` so that sign-up closed and selection started (or starts in
    ``-selection_minutes_ago`` minutes, for sealed quotes), then close sign-up."""
    now = timezone.now()
    Project.objects.filter(pk=project.pk).update(
        signup_deadline=now - dt.timedelta(hours=1),
        selection_at=now - dt.timedelta(minutes=selection_minutes_ago))
    return services.signups_close(project=project, now=now)


def start_selection(project: Project) -> None:
    """Sealed quotes are in: move the announced selection time into the past."""
    Project.objects.filter(pk=project.pk).update(
        selection_at=timezone.now() - dt.timedelta(minutes=1))


def bid(project: Project, user, value: str) -> None:
    bid_place(actor=user, project=project, value=value)


def labelled_users(project: Project) -> dict:
    return {s.label: s.agency.organisation.members.first().user
            for s in SignUp.objects.filter(project=project).exclude(label="")
            .select_related("agency__organisation")}


def auction(project: Project, bids) -> Award:
    """Place ``bids`` (label, value) in the open auction, then end it and close it."""
    bidders = labelled_users(project)
    for label, value in bids:
        if label in bidders:
            bid(project, bidders[label], value)
    Project.objects.filter(pk=project.pk).update(
        auction_ends_at=timezone.now() - dt.timedelta(seconds=1))
    return auction_close(project=Project.objects.get(pk=project.pk))


def live_bidding(owner, item, title, usernames, bids, **over) -> Award:
    project = post(owner, item, title, Method.LIVE_BIDDING, **over)
    sign_up(project, users_named(*usernames))
    return auction(close(project, selection_minutes_ago=20), bids)


def sign_up_committing(project: Project, users) -> dict:
    """Sign ``users`` up for a random draw, each committing to a fresh contribution (what the
    sign-up page's script does in the browser). Returns username → contribution."""
    kept = {}
    for user in users:
        kept[user.username] = secrets.token_hex(32)
        services.signup_create(actor=user, project=project,
                               draw_commitment=commitment_of(kept[user.username]))
    return kept


def reveal(project: Project, users, kept: dict) -> None:
    for user in users:
        draws.draw_contribution_reveal(actor=user, project=project,
                                       contribution=kept[user.username])


def end_reveals(project: Project) -> None:
    """Move the clock: the reveal window of ``project`` is over."""
    DrawCommitment.objects.filter(project=project).update(
        reveal_ends_at=timezone.now() - dt.timedelta(seconds=1))


def random_draw(owner, item, title, usernames, **over) -> Award:
    """A commit–reveal draw with several parties: all but the last agency commit at sign-up;
    after sign-up closes all but the last of those reveal (one commitment is never revealed,
    and counts for nothing); when the window is over the platform reveals its secret."""
    project = post(owner, item, title, Method.RANDOM_DRAW, **over)
    users = users_named(*usernames)
    committing = users[:-1]
    kept = sign_up_committing(project, committing)
    sign_up(project, users[-1:])
    project = close(project)
    reveal(project, committing[:-1], kept)
    end_reveals(project)
    return draws.draw_run(actor=owner, project=project)


def sealed_quotes(owner, item, title, method, quotes, **over) -> Project:
    """Post, sign up the agencies of ``quotes`` (username → quote), close sign-up with the
    selection still ahead, submit the sealed quotes and move the selection time past."""
    project = post(owner, item, title, method, **over)
    users = users_named(*quotes)
    sign_up(project, users)
    project = close(project, selection_minutes_ago=-60)
    for user in users:
        methods.quote_submit(actor=user, project=project, quote=quotes[user.username])
    start_selection(project)
    return project


def direct(owner, item, title, username, amount, **over) -> Award:
    project = post(owner, item, title, Method.DIRECT, amount=Decimal(amount), **over)
    agency = Agency.objects.get(organisation__members__user__username=username)
    return methods.direct_pick(actor=owner, project=project, agency=agency)


# --- after the award ------------------------------------------------------------------------


def pdf(*lines: str) -> bytes:
    """A one-page PDF showing ``lines`` (ASCII) in Helvetica: the demo's contract and result
    files, so that a download opens as a document."""
    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 13 Tf 72 770 Td 20 TL " + " ".join(f"({esc(x)}) '" for x in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode("ascii")
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode("ascii")
    return out


def document(award: Award, kind: str, version: int = 1) -> ContentFile:
    lines = [f"{kind} (demo document)", f"Project {award.project_id}, award {award.code}",
             f"Price CNY {award.price}", f"Version {version}",
             "Generated by manage.py load_demo; not a real document."]
    return ContentFile(pdf(*lines), name=f"{kind.lower()}-{award.project_id}-v{version}.pdf")


def objection_period_over(award: Award) -> Award:
    """End the objection period at the decision time (the clock, not the award's content)."""
    Award.objects.filter(pk=award.pk).update(objection_until=award.decided_at)
    return Award.objects.select_related("project__created_by", "agency__organisation") \
        .get(pk=award.pk)


def sign_contract(award: Award, *, agency_uploads: bool = False, confirm: bool = True) -> Award:
    award = objection_period_over(award)
    purchaser, winner = award.project.created_by, member_of(award.agency)
    first, second = (winner, purchaser) if agency_uploads else (purchaser, winner)
    contracts.contract_upload(actor=first, award=award, file=document(award, "Contract"))
    if confirm:
        contracts.contract_confirm(actor=second, award=award)
    return award


def deliver(award: Award, note: str, version: int = 1):
    return deliveries.delivery_submit(actor=member_of(award.agency), award=award, note=note,
                                          file=document(award, "Result", version))


def complete(award: Award, *, agency_uploads: bool = False, returned: str = "") -> Award:
    """Objection period over → contract uploaded and confirmed → result delivered → accepted
    (after one return with ``returned`` as the reason, when given)."""
    award = sign_contract(award, agency_uploads=agency_uploads)
    purchaser = award.project.created_by
    delivery = deliver(award, f"提交《{award.project.title}》成果文件（报批稿）及电子版。")
    if returned:
        deliveries.delivery_return(actor=purchaser, delivery=delivery, reason=returned)
        delivery = deliver(award, "已按退回意见逐条修改并附修改说明，请予验收。", version=2)
    deliveries.delivery_accept(actor=purchaser, delivery=delivery)
    return award
