"""Invitation subscriptions (采购邀请网上推送): the services, the "订阅" page, the API (own only),
and the matching of a posting to the agencies it invites (``subscribers_for``,
``invitations_for``)."""
from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from agencies.models import Agency, Subscription
from agencies.selectors.subscriptions import invitations_for, subscribers_for
from agencies.services.subscriptions import subscription_add, subscription_remove
from core.audit import AuditEvent
from core.catalogue import Category
from core.errors import NotAllowed, ValidationFailed
from tests.factories import bidding as bf
from tests.factories.agencies import agency, agency_user, service_item
from tests.factories.core import purchaser_user, region

pytestmark = pytest.mark.django_db


def subscribe(owner: Agency, **kwargs) -> list[Subscription]:
    return subscription_add(actor=agency_user(owner), agency=owner, **kwargs)


# --- services --------------------------------------------------------------------------------

def test_adding_a_topic_in_two_regions_makes_two_audited_lines():
    owner, item = agency(), service_item()
    lines = subscribe(owner, item=item, regions=[region("420100"), region("110000")])
    assert [(s.item, s.region.code) for s in lines] == [(item, "420100"), (item, "110000")]
    event = AuditEvent.objects.filter(action="agency.subscription_added").latest("seq")
    assert event.data["ids"] == [s.pk for s in lines]
    assert event.data["regions"] == ["420100", "110000"]


def test_no_region_is_one_line_for_everywhere_and_a_repeat_is_refused():
    owner, item = agency(), service_item()
    [line] = subscribe(owner, item=item)
    assert line.region is None
    with pytest.raises(ValidationFailed, match="already subscribes"):
        subscribe(owner, item=item)
    assert Subscription.objects.filter(agency=owner).count() == 1


def test_an_item_and_a_category_at_once_or_neither_is_refused():
    owner, item = agency(), service_item()
    with pytest.raises(ValidationFailed, match="either a service item or a category"):
        subscribe(owner, item=item, category=item.categories.first())
    with pytest.raises(ValidationFailed, match="either a service item or a category"):
        subscribe(owner)
    assert not Subscription.objects.exists()


def test_a_member_of_another_agency_may_not_add_or_remove():
    owner, other, item = agency(), agency(), service_item()
    [line] = subscribe(owner, item=item)
    with pytest.raises(NotAllowed):
        subscription_add(actor=agency_user(other), agency=owner, item=item,
                         regions=[region("420100")])
    with pytest.raises(NotAllowed):
        subscription_remove(actor=agency_user(other), agency=owner, subscription_id=line.pk)
    assert list(Subscription.objects.filter(agency=owner)) == [line]


def test_removing_a_line_is_audited_and_another_agencys_line_is_not_found():
    owner, other, item = agency(), agency(), service_item()
    [line] = subscribe(owner, item=item)
    [foreign] = subscribe(other, item=item)
    with pytest.raises(ValidationFailed, match="No such subscription"):
        subscription_remove(actor=agency_user(owner), agency=owner, subscription_id=foreign.pk)
    subscription_remove(actor=agency_user(owner), agency=owner, subscription_id=line.pk)
    assert list(Subscription.objects.all()) == [foreign]
    assert AuditEvent.objects.filter(action="agency.subscription_removed").count() == 1


# --- matching --------------------------------------------------------------------------------

def test_a_posting_invites_the_subscribers_of_its_item():
    item, other_item = service_item(), service_item(title="水土保持方案编制", category="水土保持")
    subscriber, bystander = agency(), agency()
    subscribe(subscriber, item=item)
    subscribe(bystander, item=other_item)
    assert list(subscribers_for(bf.project(item=item))) == [subscriber]


def test_a_category_covers_its_descendants():
    root = Category.add_root(name="技术评估")
    child = root.add_child(name="环境评估")
    leaf = child.add_child(name="环评报告")
    item = service_item(category="环评报告")
    assert item.categories.get() == leaf
    on_root, on_child, on_sibling = agency(), agency(), agency()
    subscribe(on_root, category=root)
    subscribe(on_child, category=child)
    subscribe(on_sibling, category=root.add_child(name="安全评估"))
    assert set(subscribers_for(bf.project(item=item))) == {on_root, on_child}


@pytest.mark.parametrize("subscribed, location, matches", [
    ("420000", "420000", True),    # province → the same province
    ("420000", "420100", True),    # province → a city in it
    ("420000", "420111", True),    # province → a county in it
    ("420100", "420111", True),    # city → a county in it
    ("420111", "420111", True),    # county → the same county
    ("420100", "420000", False),   # a city does not cover its province
    ("420111", "420102", False),   # another county of the same city
    ("420500", "420111", False),   # another city
    ("110000", "420111", False),   # another province
])
def test_a_region_covers_what_is_under_it(subscribed, location, matches):
    item, owner = service_item(), agency()
    subscribe(owner, item=item, regions=[region(subscribed)])
    project = bf.project(item=item, region=region(location))
    assert list(subscribers_for(project)) == ([owner] if matches else [])


def test_no_region_is_everywhere_and_a_posting_without_location_reaches_every_region():
    item = service_item()
    everywhere, in_beijing = agency(), agency()
    subscribe(everywhere, item=item)
    subscribe(in_beijing, item=item, regions=[region("110000")])
    assert list(subscribers_for(bf.project(item=item, region=region("420111")))) == [everywhere]
    assert set(subscribers_for(bf.project(item=item, region=None))) == {everywhere, in_beijing}


def test_suspended_and_expelled_agencies_are_still_invited_r1():
    item = service_item()
    suspended = agency()
    Agency.objects.filter(pk=suspended.pk).update(standing=Agency.Standing.EXPELLED)
    subscribe(suspended, item=item)
    assert list(subscribers_for(bf.project(item=item))) == [suspended]


def test_subscribers_for_is_one_query_and_lists_each_agency_once(django_assert_num_queries):
    root = Category.add_root(name="技术评估")
    item = service_item(category="技术评估")
    owner = agency()
    subscribe(owner, item=item, regions=[region("420000"), region("420100")])
    subscribe(owner, category=root)
    project = bf.project(item=item, region=region("420111"))
    with django_assert_num_queries(1):
        assert list(subscribers_for(project)) == [owner]


def test_invitations_for_names_the_lines_each_agency_matched(django_assert_num_queries):
    root = Category.add_root(name="技术评估")
    item = service_item(category="技术评估")
    first, second = agency(name="甲中介有限公司"), agency(name="乙中介有限公司")
    by_item = subscribe(first, item=item, regions=[region("420100")])
    by_category = subscribe(first, category=root)
    subscribe(second, item=item, regions=[region("110000")])  # not in Beijing
    project = bf.project(item=item, region=region("420111"))
    with django_assert_num_queries(1):
        invitations = invitations_for(project)
        assert [(i.agency, i.reasons) for i in invitations] == [
            (first, [*by_item, *by_category])]
        assert invitations[0].reason_labels == [f"{item.title} · 武汉市", "技术评估 · everywhere"]


# --- the "订阅" page ---------------------------------------------------------------------------

def test_the_subscriptions_page_adds_and_removes_lines(client):
    owner, item = agency(), service_item()
    client.force_login(agency_user(owner))
    url = reverse("agencies:subscriptions", args=[owner.pk])
    response = client.post(url, {"item": item.pk, "regions": "420100；110000"})
    assert response.status_code == 302
    assert sorted(owner.subscriptions.values_list("region__code", flat=True)) == [
        "110000", "420100"]
    page = client.get(url).content.decode()
    assert "武汉市" in page and "北京市" in page and "订阅" in page
    line = owner.subscriptions.get(region__code="110000")
    client.post(reverse("agencies:subscription_remove", args=[owner.pk, line.pk]))
    assert list(owner.subscriptions.values_list("region__code", flat=True)) == ["420100"]


def test_the_subscriptions_page_shows_a_refusal_on_the_form(client):
    owner, item = agency(), service_item()
    client.force_login(agency_user(owner))
    response = client.post(reverse("agencies:subscriptions", args=[owner.pk]),
                           {"item": item.pk, "category": item.categories.get().pk})
    assert response.status_code == 200
    assert "请选择服务事项或分类之一" in response.content.decode()
    assert not owner.subscriptions.exists()


def test_another_agencys_member_cannot_see_or_change_the_subscriptions_page(client):
    owner, other, item = agency(), agency(), service_item()
    [line] = subscribe(owner, item=item)
    client.force_login(agency_user(other))
    assert client.get(reverse("agencies:subscriptions", args=[owner.pk])).status_code == 403
    client.post(reverse("agencies:subscriptions", args=[owner.pk]), {"item": item.pk,
                                                                     "regions": "110000"})
    client.post(reverse("agencies:subscription_remove", args=[owner.pk, line.pk]))
    assert list(owner.subscriptions.all()) == [line]


# --- the API ---------------------------------------------------------------------------------

def api_as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_api_lists_adds_and_removes_the_agencys_own_lines():
    owner, item = agency(), service_item()
    api = api_as(agency_user(owner))
    created = api.post("/api/v1/subscriptions/", {"item": item.pk, "regions": ["420111"]},
                       format="json")
    assert created.status_code == 201, created.content
    [body] = created.json()
    assert body["item"] == item.pk and body["region"] == {"code": "420111", "name": "洪山区"}
    assert api.get("/api/v1/subscriptions/").json() == [body]
    assert api.delete(f"/api/v1/subscriptions/{body['id']}/").status_code == 204
    assert api.get("/api/v1/subscriptions/").json() == []


def test_the_api_refuses_bad_input_with_a_message():
    owner, item = agency(), service_item()
    api = api_as(agency_user(owner))
    for body, field in [({"item": item.pk, "regions": ["999999"]}, "regions"),
                        ({"item": 10**9}, "item"), ({"category": 10**9}, "category"),
                        ({}, "item"), ({"item": item.pk, "colour": "red"}, "colour")]:
        response = api.post("/api/v1/subscriptions/", body, format="json")
        assert response.status_code == 400, (body, response.content)
        assert field in response.json()["errors"], response.json()
    assert not Subscription.objects.exists()


def test_the_api_shows_and_touches_only_the_callers_agency():
    owner, other, item = agency(), agency(), service_item()
    [line] = subscribe(owner, item=item)
    api = api_as(agency_user(other))
    assert api.get("/api/v1/subscriptions/").json() == []
    assert api.delete(f"/api/v1/subscriptions/{line.pk}/").status_code == 404
    assert api_as(purchaser_user()).get("/api/v1/subscriptions/").status_code == 403
    assert APIClient().get("/api/v1/subscriptions/").status_code in (401, 403)
    assert Subscription.objects.get() == line


def test_the_api_subscribes_to_a_category_everywhere():
    owner, item = agency(), service_item()
    category = item.categories.get()
    response = api_as(agency_user(owner)).post("/api/v1/subscriptions/",
                                               {"category": category.pk}, format="json")
    assert response.status_code == 201, response.content
    [body] = response.json()
    assert (body["item"], body["item_title"], body["category"], body["category_name"],
            body["region"]) == (None, None, category.pk, category.name, None)
    assert list(subscribers_for(bf.project(item=item))) == [owner]


def test_publishing_invites_the_subscribed_agencies_through_the_outbox_once():
    """采购邀请网上推送 (issue 11 item 6): publishing a posting puts an invitation in the inbox
    of every member of each matching agency, once, and none for an agency not subscribed."""
    import datetime as dt

    from django.test import TestCase

    from bidding.rules import earliest_signup_deadline
    from bidding.services.postings import project_publish
    from notifications.models import InboxItem

    item = service_item()
    subscribed, other = agency(offers=[item]), agency(offers=[item])
    subscribe(subscribed, item=item)
    deadline = earliest_signup_deadline() + dt.timedelta(hours=3)
    draft = bf.draft(item=item, method=bf.Method.RANDOM_DRAW, signup_deadline=deadline,
                     selection_at=deadline + dt.timedelta(days=1))
    with TestCase.captureOnCommitCallbacks(execute=True):
        project_publish(actor=draft.created_by, project=draft)
    member = agency_user(subscribed)
    inbox = InboxItem.objects.filter(user=member).select_related("notification")
    assert [i.notification.kind for i in inbox] == ["posting.invitation"]
    assert inbox[0].notification.url == draft.get_absolute_url()
    assert not InboxItem.objects.filter(user=agency_user(other)).exists()
