"""Atom feeds of postings and award notices (``bidding/feeds.py``), and the agency's
"为我推荐的项目" page (``bidding/selectors/recommendations.py``)."""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.services.subscriptions import subscription_add
from bidding.feeds import FEED_SIZE
from bidding.models import Project
from bidding.services.auctions import bid_place
from core.catalogue import Category
from tests.factories import bidding as bf
from tests.factories.agencies import agency, agency_user, service_item
from tests.factories.awards import made_award
from tests.factories.core import region

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response) -> ET.Element:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(f"{ATOM}entry")


def titles(feed: ET.Element) -> list[str]:
    return [e.findtext(f"{ATOM}title") for e in entries(feed)]


def test_the_project_feed_lists_published_postings_newest_first_with_absolute_links(client):
    now = timezone.now()
    older = bf.project(title="较早的公告", published_at=now - dt.timedelta(days=3))
    newer = bf.project(title="较新的公告", published_at=now - dt.timedelta(hours=1))
    bf.draft(title="草稿不公开")
    feed = parse(client.get("/feeds/projects/"))
    assert feed.findtext(f"{ATOM}title").endswith("采购公告")
    assert titles(feed) == ["较新的公告", "较早的公告"]
    links = [e.find(f"{ATOM}link").get("href") for e in entries(feed)]
    assert links == [f"http://testserver{p.get_absolute_url()}" for p in (newer, older)]
    summary = entries(feed)[0].findtext(f"{ATOM}summary")
    assert f"服务事项：{newer.item.title}" in summary and "采购人：" in summary


def test_the_project_feed_never_carries_sign_ups_or_bids(client):
    project = bf.project(title="报名中的项目")
    signed = [bf.signup(project=project) for _n in range(3)]
    live, bidders = bf.live_auction(bidders=2)
    bid_place(actor=agency_user(bidders[0].agency), project=live, value="93500.00")
    body = client.get("/feeds/projects/").content.decode()
    assert "报名中的项目" in body and live.title in body
    for name in [s.agency.name for s in [*signed, *bidders]]:
        assert name not in body
    assert "93500" not in body and "93,500" not in body
    assert "报名人数" not in body and "已报名" not in body


def test_the_feeds_filter_by_item_category_and_region_at_any_level(client):
    root = Category.add_root(name="技术评估")
    root.add_child(name="环境评估")
    item = service_item(category="环境评估")
    other = service_item(title="水土保持方案编制", category="水土保持")
    bf.project(title="洪山区环评", item=item, region=region("420111"))
    bf.project(title="宜昌环评", item=item, region=region("420500"))
    bf.project(title="北京水保", item=other, region=region("110000"))
    get = lambda q: titles(parse(client.get("/feeds/projects/?" + q)))  # noqa: E731
    assert sorted(get(f"item={item.pk}")) == ["宜昌环评", "洪山区环评"]
    assert sorted(get(f"category={root.pk}")) == ["宜昌环评", "洪山区环评"]
    assert get("region=420100") == ["洪山区环评"]          # a city covers its counties
    assert sorted(get("region=420000")) == ["宜昌环评", "洪山区环评"]  # a province too
    assert get("region=420111") == ["洪山区环评"]
    assert get(f"region=420000&item={other.pk}") == []
    feed = parse(client.get("/feeds/projects/?region=420100"))
    assert "武汉市" in feed.findtext(f"{ATOM}title")


@pytest.mark.parametrize("query", ["item=999999", "item=abc", "category=no-such-category",
                                   "region=999999", "region=湖北"])
@pytest.mark.parametrize("url", ["/feeds/projects/", "/feeds/awards/"])
def test_an_unknown_filter_is_a_400_with_a_message(client, url, query):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().strip()


def test_the_award_feed_lists_award_notices_with_links_and_filters(client):
    award = made_award()
    other = made_award(bidders=2)
    feed = parse(client.get("/feeds/awards/"))
    assert feed.findtext(f"{ATOM}title").endswith("中选公告")
    by_link = {e.find(f"{ATOM}link").get("href"): e for e in entries(feed)}
    assert set(by_link) == {f"http://testserver{reverse('bidding:award-detail', args=[a.pk])}"
                            for a in (award, other)}
    entry = by_link[f"http://testserver{reverse('bidding:award-detail', args=[award.pk])}"]
    assert entry.findtext(f"{ATOM}title") == f"{award.project.title}：中选机构 {award.agency.name}"
    assert f"验证码：{award.code}" in entry.findtext(f"{ATOM}summary")
    filtered = parse(client.get(f"/feeds/awards/?item={award.project.item_id}"))
    assert [e.find(f"{ATOM}link").get("href") for e in entries(filtered)] == [
        f"http://testserver{reverse('bidding:award-detail', args=[award.pk])}"]


def test_a_feed_holds_at_most_fifty_entries_in_a_fixed_number_of_queries(
        client, django_assert_max_num_queries):
    item = service_item()
    owner = bf.purchaser()
    now = timezone.now()
    for n in range(FEED_SIZE + 5):
        bf.project(owner=owner, item=item, title=f"项目{n}",
                   published_at=now - dt.timedelta(minutes=n))
    client.get("/feeds/projects/")  # warm the site cache
    with django_assert_max_num_queries(3):
        feed = parse(client.get("/feeds/projects/"))
    assert len(entries(feed)) == FEED_SIZE
    assert titles(feed)[0] == "项目0"


def test_the_list_pages_announce_their_feeds(client):
    for page, feed in [("bidding:project-list", "/feeds/projects/"),
                       ("bidding:award-list", "/feeds/awards/")]:
        html = client.get(reverse(page)).content.decode()
        assert '<link rel="alternate" type="application/atom+xml"' in html
        assert f'href="{feed}"' in html


# --- 为我推荐的项目 ----------------------------------------------------------------------------

def test_the_recommended_page_lists_matching_postings_open_for_sign_up_first(client):
    item, other = service_item(), service_item(title="水土保持方案编制", category="水土保持")
    owner = agency()
    subscription_add(actor=agency_user(owner), agency=owner, item=item,
                     regions=[region("420100")])
    now = timezone.now()
    closed = bf.project(item=item, title="已截止的项目", region=region("420111"),
                        status=Project.Status.SELECTING, published_at=now)
    bf.project(item=item, title="报名中的项目", region=region("420102"),
               published_at=now - dt.timedelta(days=5))
    bf.project(item=item, title="宜昌的项目", region=region("420500"))
    bf.project(item=other, title="别的事项", region=region("420111"))
    bf.draft(item=item, title="草稿", region=region("420111"))
    client.force_login(agency_user(owner))
    html = client.get(reverse("bidding:recommended")).content.decode()
    assert "为我推荐的项目" in html
    assert html.index("报名中的项目") < html.index(closed.title)
    for absent in ("宜昌的项目", "别的事项", "草稿"):
        assert absent not in html


def test_the_recommended_page_without_subscriptions_says_how_to_subscribe(client):
    owner = agency()
    bf.project()
    client.force_login(agency_user(owner))
    html = client.get(reverse("bidding:recommended")).content.decode()
    assert "本机构尚无订阅" in html


def test_the_recommended_page_costs_a_bounded_number_of_queries(
        client, django_assert_max_num_queries):
    items = [service_item(title=f"事项{n}", category=f"分类{n}") for n in range(4)]
    owner = agency()
    user = agency_user(owner)
    for item in items:
        subscription_add(actor=user, agency=owner, item=item,
                         regions=[region("420100"), region("420500")])
    subscription_add(actor=user, agency=owner, category=items[0].categories.get())
    for n in range(25):
        bf.project(item=items[n % 4], title=f"推荐项目{n}", region=region("420111"))
    client.force_login(user)
    client.get(reverse("bidding:recommended"))
    with django_assert_max_num_queries(12):
        html = client.get(reverse("bidding:recommended")).content.decode()
    assert html.count('class="card project-card"') == 20  # one page


def test_the_recommended_page_sends_someone_without_an_agency_to_the_project_list(client):
    client.force_login(bf.purchaser())
    response = client.get(reverse("bidding:recommended"))
    assert response.status_code == 302 and response.url == reverse("bidding:project-list")
