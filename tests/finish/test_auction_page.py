"""Issue 12, the auction page: the ladder ranks bids, times carry their date, a bid is confirmed
before it is placed (a <dialog>, and a server step without JavaScript), the bidder's standing is
true after being outbid and on reload, and English pages and frames speak English (status,
unit)."""
from __future__ import annotations

import re

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from bidding.models import Bid, Project
from bidding.routing import websocket_urlpatterns
from bidding.services.auctions import bid_place
from bidding.views.auctions import js_strings, moment
from core.languages import scope_language
from tests.factories import bidding as bf


def user_of(signup):
    return signup.agency.organisation.members.first().user


def _ladder(html: str) -> list[list[str]]:
    body = re.search(r'<tbody id="ladder">(.*?)</tbody>', html, re.S).group(1)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_moment_shows_the_local_date_with_the_time():
    # 16:23:36 UTC is 00:23:36 the next day in Beijing: the date must say so.
    assert moment("2026-12-01T16:23:36.5+00:00") == "2026-12-02 00:23:36"
    assert moment(None) == ""


@pytest.mark.django_db
def test_the_ladder_ranks_bids_best_first_with_the_bid_number_and_a_dated_time(client):
    project, (a, b) = bf.live_auction(bidders=2)
    for signup, value in ((a, "96000"), (b, "95000"), (a, "94000")):
        bid_place(actor=user_of(signup), project=project, value=value)
    html = client.get(f"/projects/{project.pk}/auction/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    head = re.search(r"<table class=\"data ladder\">.*?</thead>", html, re.S).group(0)
    assert ">Rank<" in head and ">Bid no.<" in head
    rows = _ladder(html)
    assert [(r[0], r[1], r[3]) for r in rows] == [("1", "3", "94000.00"), ("2", "2", "95000.00"),
                                                  ("3", "1", "96000.00")]
    bid = Bid.objects.get(seq=3)
    assert rows[0][4] == timezone.localtime(bid.placed_at).strftime("%Y-%m-%d %H:%M:%S")
    ends = timezone.localtime(project.auction_ends_at).strftime("%Y-%m-%d %H:%M:%S")
    assert re.search(rf'<time id="ends-at" datetime="[^"]+">{ends}</time>', html)


@pytest.mark.django_db
def test_a_bid_without_javascript_is_confirmed_before_it_is_placed(client):
    project, (a, _b) = bf.live_auction(bidders=2)
    client.force_login(user_of(a))
    url = f"/projects/{project.pk}/auction/"
    step = client.post(url, {"value": "96,000"}, HTTP_ACCEPT_LANGUAGE="en")
    assert step.status_code == 200 and not Bid.objects.exists()
    page = step.content.decode()
    assert "Place a bid of 96000.00 yuan?" in page and "cannot be withdrawn" in page
    assert 'name="confirmed" value="1"' in page and 'name="value" value="96000.00"' in page
    assert f'href="{url}"' in page  # back without bidding
    placed = client.post(url, {"value": "96000.00", "confirmed": "1"})
    assert placed.status_code == 302 and Bid.objects.get().value == 96000


@pytest.mark.django_db
def test_the_confirmation_step_refuses_a_watcher_without_asking(client):
    project, _ = bf.live_auction(bidders=2)
    client.force_login(project.created_by)
    res = client.post(f"/projects/{project.pk}/auction/", {"value": "96000"}, follow=True)
    assert res.redirect_chain and not Bid.objects.exists()
    assert list(res.context["messages"])


@pytest.mark.django_db
def test_the_bid_form_has_an_in_page_confirmation_dialog_reachable_by_keyboard(client):
    project, (a, _b) = bf.live_auction(bidders=2)
    client.force_login(user_of(a))
    html = client.get(f"/projects/{project.pk}/auction/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    dialog = re.search(r'<dialog class="bid-confirm" id="bid-confirm"[^>]*>.*?</dialog>', html,
                       re.S).group(0)
    assert 'aria-labelledby="bid-confirm-h"' in dialog and '<form method="dialog">' in dialog
    assert re.search(r'<button type="submit"[^>]*value="confirm"', dialog)
    assert re.search(r'<button type="submit"[^>]*value="cancel"[^>]*autofocus', dialog)
    strings = js_strings()
    assert "{value}" in strings["confirmLower"] and "{rank}" in strings["outbid"]


@pytest.mark.django_db
def test_a_new_best_price_is_announced_politely_and_the_clock_is_not(client):
    project, (a, _b) = bf.live_auction(bidders=2)
    html = client.get(f"/projects/{project.pk}/auction/").content.decode()
    best = re.search(r'<div class="figure figure-best"[^>]*>', html).group(0)
    assert 'aria-live="polite"' in best and 'aria-atomic="true"' in best  # value, unit, bidder
    clock = re.search(r'<div class="figure figure-clock"[^>]*>', html).group(0)
    assert "aria-live" not in clock  # a countdown read every second would drown the page


@pytest.mark.django_db
def test_after_being_outbid_the_page_says_so_on_reload_and_not_that_the_bid_leads(client):
    project, (a, b) = bf.live_auction(bidders=2)
    bid_place(actor=user_of(a), project=project, value="96000")
    client.force_login(user_of(a))
    url = f"/projects/{project.pk}/auction/"
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'<p class="standing" id="standing"[^>]*>You hold the best bid.</p>', html)
    bid_place(actor=user_of(b), project=project, value="95000")
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'<p class="standing outbid" id="standing"[^>]*>You have been outbid: your '
                     r'best bid now ranks 2\.', html)
    assert "You hold the best bid" not in html.split('id="auction-snapshot"')[0]


@pytest.mark.django_db
def test_an_english_auction_page_shows_the_status_and_the_unit_in_english(client):
    project, _ = bf.live_auction(bidders=2, amount=50000)
    html = client.get(f"/projects/{project.pk}/auction/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-status="selecting">Selection in progress<' in html
    assert '<span id="best-unit">yuan</span>' in html and "元" not in html.split("auction-snapshot")[0]
    zh = client.get(f"/projects/{project.pk}/auction/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<span id="best-unit">元</span>' in zh


def test_a_connection_speaks_the_cookie_language_then_the_browser_language_then_chinese():
    assert scope_language({"cookies": {"django_language": "en"}}) == "en"
    assert scope_language({"headers": [(b"accept-language", b"en-GB,en;q=0.8")]}) == "en"
    assert scope_language({"cookies": {"django_language": "xx"},
                           "headers": [(b"accept-language", b"fr, en;q=0.5")]}) == "en"
    assert scope_language({"headers": [(b"accept-language", b"fr")]}) == "zh-hans"
    assert scope_language({}) == "zh-hans"


@pytest.mark.django_db(transaction=True)
async def test_the_websocket_snapshot_and_refusals_speak_the_pages_language():
    from channels.db import database_sync_to_async

    project, signups = await database_sync_to_async(bf.live_auction)(bidders=2)
    user = await database_sync_to_async(user_of)(signups[0])
    app = URLRouter(websocket_urlpatterns)
    for headers, status, unit in (([(b"accept-language", b"en")], "Selection in progress", "yuan"),
                                  ([], "选取中", "元")):
        comm = WebsocketCommunicator(app, f"/ws/auctions/{project.pk}/", headers=headers)
        comm.scope["user"] = user
        connected, _ = await comm.connect()
        assert connected
        snap = await comm.receive_json_from(timeout=5)
        assert (snap["status_label"], snap["unit"]) == (status, unit)
        await comm.send_json_to({"type": "bid", "value": "1"})
        error = await comm.receive_json_from(timeout=5)
        assert error["type"] == "error"
        chinese = bool(re.search(r"[\u4e00-\u9fff]", error["message"]))
        assert chinese == (unit == "元"), error
        await comm.disconnect()
    anonymous = WebsocketCommunicator(app, f"/ws/auctions/{project.pk}/",
                                      headers=[(b"cookie", b"django_language=en")])
    anonymous.scope["user"] = AnonymousUser()
    anonymous.scope["cookies"] = {"django_language": "en"}
    assert (await anonymous.connect())[0]
    snap = await anonymous.receive_json_from(timeout=5)
    assert snap["status_label"] == "Selection in progress"
    await anonymous.disconnect()
    assert await database_sync_to_async(Project.objects.filter(pk=project.pk).count)() == 1
