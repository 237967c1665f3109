"""Pages of the agency registry: join, directory, profile, edit pages."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Agency
from core.catalogue import Category
from core.models import AuditEvent
from core.uscc import make_uscc
from marketplace.selectors.catalogue import item_offers
from tests.factories.agencies import (
    QualificationFactory,
    agency,
    agency_user,
    bulk_agencies,
    service_item,
)
from tests.factories.core import PASSWORD, region, regulator_user

pytestmark = pytest.mark.django_db



@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"


def registration_post(**overrides):
    data = {
        "username": "hbhuanping", "password": PASSWORD, "password2": PASSWORD,
        "email": "",
        "name": "湖北环评技术咨询有限公司", "uscc": make_uscc(77001),
        "nature": Agency.Nature.ENTERPRISE, "legal_representative": "周明",
        "registered_capital": "500", "address": "湖北省武汉市武昌区中北路100号",
        "region": str(region("420000").code), "contact_name": "陈工",
        "contact_phone": "027-87654321", "contact_email": "", "website": "", "description": "",
        "integrity_accepted": "on",
        "offers-TOTAL_FORMS": "1", "offers-INITIAL_FORMS": "0",
        "quals-TOTAL_FORMS": "1", "quals-INITIAL_FORMS": "0",
        "people-TOTAL_FORMS": "1", "people-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


# -- join ----------------------------------------------------------------------------------------
def test_the_registration_page_is_public_and_in_chinese_by_default(client):
    response = client.get(reverse("agencies:register"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "统一社会信用代码" in body
    assert "诚信承诺" in body
    assert "不搞价格垄断" in body or "价格" in body


def test_a_valid_registration_logs_in_and_is_listed_publicly_at_once(client):
    item = service_item()
    post = registration_post(**{
        "offers-0-item": str(item.pk), "offers-0-fee": "12000",
        "offers-0-committed_days": "15", "offers-0-commitment": "十五个工作日内出具报告",
        "quals-0-name": "工程咨询资信", "quals-0-grade": "乙级",
        "people-0-name": "刘工", "people-0-speciality": "环境工程",
        "service_regions": [str(region("420000").code), str(region("650000").code)],
    })
    response = client.post(reverse("agencies:register"), post)
    created = Agency.objects.get(uscc=post["uscc"])
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    assert created.qualifications.get().name == "工程咨询资信"
    assert created.practitioners.get().name == "刘工"
    assert created.partner.stockrecords.get().terms.committed_days == 15
    # logged in as the new agency, its profile says so and offers the edit links
    profile = client.get(response["Location"])
    assert profile.context["user"].username == "hbhuanping"
    assert profile.context["may_edit"] is True
    # listed at once in the public directory, no approval step
    listing = client.get(reverse("agencies:directory"), {"q": "湖北环评"})
    assert [a.pk for a in listing.context["agencies"]] == [created.pk]


def test_an_invalid_code_is_shown_as_an_error_on_the_code_field(client, english):
    response = client.post(reverse("agencies:register"),
                           registration_post(uscc="91420100000000001X"))
    assert response.status_code == 200
    assert "check character" in " ".join(response.context["form"].errors["uscc"])
    assert not Agency.objects.exists()


def test_a_duplicate_code_is_shown_as_an_error_on_the_code_field(client, english):
    code = make_uscc(77002)
    agency(uscc=code)
    response = client.post(reverse("agencies:register"),
                           registration_post(uscc=code, username="another"))
    assert response.status_code == 200
    assert "already registered" in " ".join(response.context["form"].errors["uscc"])
    assert Agency.objects.filter(uscc=code).count() == 1


def test_joining_without_the_integrity_commitment_is_refused(client, english):
    post = registration_post()
    del post["integrity_accepted"]
    response = client.post(reverse("agencies:register"), post)
    assert "integrity commitment" in " ".join(
        response.context["form"].errors["integrity_accepted"])
    assert not Agency.objects.exists()


def test_a_declared_tie_must_name_the_department(client, english):
    response = client.post(reverse("agencies:register"),
                           registration_post(gov_tie_declared="on"))
    assert "Name the department" in " ".join(
        response.context["form"].errors["gov_tie_department"])
    assert not Agency.objects.exists()


def test_the_same_item_twice_in_the_offers_is_refused(client):
    item = service_item()
    response = client.post(reverse("agencies:register"), registration_post(**{
        "offers-TOTAL_FORMS": "2", "offers-0-item": str(item.pk),
        "offers-1-item": str(item.pk)}))
    assert response.status_code == 200
    assert response.context["offers"].forms[1].errors["item"]
    assert not Agency.objects.exists()


def test_user_text_is_escaped_on_profile_and_directory(client):
    created = agency(name="<script>alert('名')</script>机构",
                     description="<img src=x onerror=alert(1)>简介")
    for url in (created.get_absolute_url(), reverse("agencies:directory")):
        body = client.get(url).content.decode()
        assert "<script>alert(" not in body
        assert "&lt;script&gt;alert(" in body
    profile = client.get(created.get_absolute_url()).content.decode()
    assert "<img src=x" not in profile
    assert "&lt;img src=x onerror=alert(1)&gt;" in profile


# -- R2: no cap ----------------------------------------------------------------------------------
def test_a_thousand_agencies_register_with_no_cap(settings):
    item = service_item()
    for n in range(1000):
        agency(uscc=make_uscc(300000 + n), offers=[item] if n % 10 == 0 else ())
    assert Agency.objects.count() == 1000
    assert item_offers(item).count() == 100


# -- R1/R3: region never filters eligibility -------------------------------------------------------
def test_an_agency_in_xinjiang_appears_for_an_item_anywhere_unless_a_region_is_asked(client):
    item = service_item(title="水土保持方案编制", category="水土保持")
    far = agency(name="新疆天山水保咨询有限公司", region_code="650000", offers=[item],
                 service_regions=[region("650000")])
    near = agency(name="湖北本地水保咨询有限公司", region_code="420000", offers=[item],
                  service_regions=[region("420000")])
    listed = client.get(reverse("agencies:directory"), {"item": item.pk}).context["agencies"]
    assert {a.pk for a in listed} == {far.pk, near.pk}
    assert {o.partner.agency.pk for o in item_offers(item)} == {far.pk, near.pk}
    # the region filter only narrows when the user asks for it
    hubei = client.get(reverse("agencies:directory"),
                       {"item": item.pk, "region": region("420000").code}).context["agencies"]
    assert [a.pk for a in hubei] == [near.pk]


def test_an_agency_declaring_no_served_region_serves_every_region(client):
    everywhere = agency(name="全国服务咨询有限公司", region_code="110000")
    listed = client.get(reverse("agencies:directory"),
                        {"region": region("650000").code}).context["agencies"]
    assert [a.pk for a in listed] == [everywhere.pk]


# -- directory filters and order -------------------------------------------------------------------
def test_five_star_agencies_are_listed_first_by_default(client):
    low = agency(name="甲机构")
    high = agency(name="乙机构")
    Agency.objects.filter(pk=high.pk).update(credit_stars=5)
    Agency.objects.filter(pk=low.pk).update(credit_stars=2)
    listed = list(client.get(reverse("agencies:directory")).context["agencies"])
    assert listed == [high, low]
    by_name = list(client.get(reverse("agencies:directory"), {"sort": "name"})
                   .context["agencies"])
    assert by_name == sorted([high, low], key=lambda a: a.name)


def test_directory_filters_by_category_including_descendants(client):
    root = Category.add_root(name="测绘地理信息")
    child = root.add_child(name="不动产测绘")
    item = service_item(title="房产面积测绘", category="不动产测绘")
    assert child in item.categories.all()
    surveying = agency(name="测绘院", offers=[item])
    agency(name="无关机构")
    listed = client.get(reverse("agencies:directory"), {"category": root.pk}).context["agencies"]
    assert [a.pk for a in listed] == [surveying.pk]


def test_directory_filters_by_qualification_stars_and_credit_code(client):
    qualified = agency(name="有资质机构")
    QualificationFactory(agency=qualified, name="测绘资质")
    other = agency(name="另一机构")
    Agency.objects.filter(pk=other.pk).update(credit_stars=5)
    url = reverse("agencies:directory")
    assert [a.pk for a in client.get(url, {"qualification": "测绘"}).context["agencies"]] == \
        [qualified.pk]
    assert [a.pk for a in client.get(url, {"min_stars": 5}).context["agencies"]] == [other.pk]
    assert [a.pk for a in client.get(url, {"q": qualified.uscc}).context["agencies"]] == \
        [qualified.pk]


def test_suspended_and_expelled_agencies_are_delisted_but_keep_their_profile(client):
    gone = agency(name="已清退机构")
    Agency.objects.filter(pk=gone.pk).update(standing=Agency.Standing.EXPELLED)
    assert gone not in client.get(reverse("agencies:directory")).context["agencies"]
    assert client.get(gone.get_absolute_url()).status_code == 200


def test_bad_filter_values_do_not_break_the_directory(client):
    response = client.get(reverse("agencies:directory"),
                          {"item": "abc", "min_stars": "9", "page": "999", "sort": "x"})
    assert response.status_code == 200


def _directory_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("agencies:directory"), params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("params", [
    {}, {"item": "ITEM"}, {"q": "批量", "sort": "fee"}, {"region": "REGION", "min_stars": 2},
    {"category": "CAT", "qualification": "测绘", "sort": "newest", "page": 2},
])
def test_the_directory_makes_the_same_number_of_queries_at_10_and_500_agencies(client, params):
    item = service_item()
    cat = Category.objects.get(name="环境评价")
    resolved = {k: {"ITEM": item.pk, "REGION": region("420000").code, "CAT": cat.pk}.get(v, v)
                for k, v in params.items()}
    bulk_agencies(10, offers=[item], start=600000)
    _directory_queries(client, resolved)  # warm: the region codes are read once per process
    at_10 = _directory_queries(client, resolved)
    bulk_agencies(490, offers=[item], start=700000)
    at_500 = _directory_queries(client, resolved)
    assert at_10 == at_500
    # The region is given by its code, as the form sends it: one lookup more than by key. A key
    # would be ambiguous once keys reach six digits on a reused test database.
    assert at_10 <= (9 if "region" in params else 8)


def test_the_profile_makes_a_fixed_number_of_queries(client):
    items = [service_item(title=f"事项{n}") for n in range(5)]
    created = agency(offers=items[:1])
    with CaptureQueriesContext(connection) as one:
        client.get(created.get_absolute_url())
    bigger = agency(offers=items)
    for n in range(5):
        QualificationFactory(agency=bigger)
    with CaptureQueriesContext(connection) as many:
        client.get(bigger.get_absolute_url())
    assert len(one.captured_queries) == len(many.captured_queries)


# -- profile -------------------------------------------------------------------------------------
def test_the_profile_shows_offers_qualifications_and_the_declared_tie(client):
    item = service_item(title="地质灾害危险性评估")
    created = agency(offers=[item], gov_tie_declared=True, gov_tie_department="某县自然资源局",
                     gov_tie_details="原下属事业单位，2020年脱钩改制")
    QualificationFactory(agency=created, name="地质灾害评估资质",
                         valid_until="2001-01-01")
    body = client.get(created.get_absolute_url()).content.decode()
    assert "地质灾害危险性评估" in body
    assert "某县自然资源局" in body and "2020年脱钩改制" in body
    assert "地质灾害评估资质" in body
    assert "已过期" in body


def test_a_missing_profile_is_a_404(client):
    assert client.get(reverse("agencies:detail", args=[999999])).status_code == 404


# -- editing: own profile only -------------------------------------------------------------------
def _profile_post(target: Agency, **changes):
    data = {name: getattr(target, name) or "" for name in (
        "name", "nature", "legal_representative", "address", "contact_name", "contact_phone",
        "contact_email", "website", "description", "gov_tie_department", "gov_tie_details")}
    data["region"] = target.region_id
    data["registered_capital"] = ""
    data.update(changes)
    return data


def test_another_agencys_profile_cannot_be_edited_through_the_page(client):
    mine, theirs = agency(name="我的机构"), agency(name="别人的机构")
    client.force_login(agency_user(mine))
    edit = reverse("agencies:edit", args=[theirs.pk])
    assert client.get(edit).status_code == 403
    response = client.post(edit, _profile_post(theirs, name="被篡改"))
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.name == "别人的机构"
    for name, args in [("offers", [theirs.pk]), ("qualifications", [theirs.pk]),
                       ("practitioners", [theirs.pk])]:
        assert client.get(reverse(f"agencies:{name}", args=args)).status_code == 403
    item = service_item()
    assert client.post(reverse("agencies:offers", args=[theirs.pk]),
                       {"item": item.pk, "fee": "1"}).status_code == 403
    assert not theirs.partner.stockrecords.exists()
    assert not client.get(theirs.get_absolute_url()).context["may_edit"]


def test_anonymous_visitors_are_sent_to_sign_in_for_edit_pages(client):
    target = agency()
    response = client.get(reverse("agencies:edit", args=[target.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_agency_edits_its_own_profile_and_the_change_is_audited(client):
    mine = agency(name="原名称机构")
    client.force_login(agency_user(mine))
    response = client.post(reverse("agencies:edit", args=[mine.pk]),
                           _profile_post(mine, name="新名称机构",
                                         service_regions=[region("650000").code]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.name == "新名称机构"
    assert [r.code for r in mine.service_regions.all()] == ["650000"]
    assert AuditEvent.objects.filter(action="agency.updated", object_id=str(mine.pk)).exists()


def test_a_regulator_may_not_edit_a_profile_through_the_page(client):
    target = agency(name="需更正机构")
    client.force_login(regulator_user())
    response = client.post(reverse("agencies:edit", args=[target.pk]),
                           _profile_post(target, address="监管更正后的地址"))
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.address != "监管更正后的地址"


def test_an_agency_manages_its_offers_qualifications_and_practitioners(client):
    mine = agency()
    item = service_item(title="节能评估报告编制")
    client.force_login(agency_user(mine))
    client.post(reverse("agencies:offers", args=[mine.pk]),
                {"item": item.pk, "fee": "8000", "committed_days": "10",
                 "commitment": "按期交付"})
    offer = mine.partner.stockrecords.get()
    assert offer.price == 8000 and offer.terms.commitment == "按期交付"
    change = client.get(reverse("agencies:offers", args=[mine.pk]), {"item": item.pk})
    assert change.context["form"].initial["fee"] == 8000
    client.post(reverse("agencies:offer_remove", args=[mine.pk, item.pk]))
    assert not mine.partner.stockrecords.exists()

    client.post(reverse("agencies:qualifications", args=[mine.pk]),
                {"name": "测绘资质", "grade": "乙级", "valid_until": "2030-12-31"})
    qual = mine.qualifications.get()
    client.post(reverse("agencies:qualification_remove", args=[mine.pk, qual.pk]))
    assert not mine.qualifications.exists()

    client.post(reverse("agencies:practitioners", args=[mine.pk]),
                {"name": "王工", "certificate": "注册测绘师"})
    person = mine.practitioners.get()
    client.post(reverse("agencies:practitioner_remove", args=[mine.pk, person.pk]))
    assert not mine.practitioners.exists()
    assert AuditEvent.objects.filter(object_id=str(mine.pk)).count() == 7


def test_my_agency_redirects_to_the_own_profile(client):
    mine = agency()
    client.force_login(agency_user(mine))
    response = client.get(reverse("agencies:mine"))
    assert response["Location"] == mine.get_absolute_url()


def test_an_invalid_code_is_reported_even_when_other_fields_are_missing_too(client, english):
    response = client.post(reverse("agencies:register"),
                           registration_post(uscc="91420100MA4K00000X", name=""))
    errors = response.context["form"].errors
    assert "check character" in " ".join(errors["uscc"]) and errors["name"]


def test_the_star_filter_labels_follow_the_visitors_language(client, english):
    body = client.get(reverse("agencies:directory"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "3 stars or more" in body
    body = client.get(reverse("agencies:directory"),
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "3 星及以上" in body


def test_absurd_numbers_and_over_long_text_are_form_errors_not_crashes(client):
    response = client.post(reverse("agencies:register"), registration_post(
        registered_capital="-5", name="长" * 500, **{
            "offers-0-item": "999999", "offers-0-fee": "-1", "offers-0-committed_days": "x"}))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["registered_capital"] and form.errors["name"]
    offer_errors = response.context["offers"].forms[0].errors
    assert {"item", "fee", "committed_days"} <= set(offer_errors)
    assert not Agency.objects.exists()
