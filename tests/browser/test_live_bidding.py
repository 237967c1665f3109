"""Two agencies bid in two browser contexts against a real Daphne server: both pages update
without reload; the auction closes at its end (consumer timer); the purchaser opens the award
notice and an approval department verifies its code at /verify/.

Needs a database another process can open: the PostgreSQL test database (DATABASE_URL) or a
file SQLite test database (TEST_DB_NAME); skipped on the in-memory SQLite default."""
from __future__ import annotations

import datetime as dt
import os
import re
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from bench.common import daphne
from bidding.models import Award, Project
from tests.factories import bidding as bf
from tests.factories.core import approval_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLOSE_AFTER_S = 35


@pytest.fixture
def server():
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        env = {"DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}"
                               f":{db['PORT'] or 5432}/{db['NAME']}"}
    elif connection.vendor == "sqlite" and not connection.is_in_memory_db():
        env = {"SQLITE_PATH": db["NAME"], "DATABASE_URL": ""}
    else:
        pytest.skip("the Daphne subprocess needs a shared database: set DATABASE_URL "
                    "(PostgreSQL) or TEST_DB_NAME (a file SQLite database)")
    env.update(ANTI_SNIPING_MINUTES="0", CHANNEL_PREFIX=f"browser-{uuid.uuid4().hex[:8]}",
               REDIS_URL=os.environ.get("REDIS_URL", ""))
    with daphne(env) as (port, _proc):   # a free port: checkouts share a machine
        yield f"http://127.0.0.1:{port}"


def logged_in_context(browser, user, base: str):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": base}])
    page = context.new_page()
    page.set_default_timeout(20000)
    return context, page


def test_two_agencies_bid_live_then_the_award_is_published_and_verified(browser, server):
    ends = timezone.now() + dt.timedelta(seconds=CLOSE_AFTER_S)
    project, (sa, sb) = bf.live_auction(bidders=2, auction_ends_at=ends)
    ua, ub = (s.agency.organisation.members.first().user for s in (sa, sb))
    url = f"{server}/projects/{project.pk}/auction/"

    ctx_a, page_a = logged_in_context(browser, ua, server)
    ctx_b, page_b = logged_in_context(browser, ub, server)
    try:
        for page in (page_a, page_b):
            page.goto(url)
            page.wait_for_selector('#conn[data-state="connected"]')
        marker = page_b.evaluate("window.__noReload = 1")  # survives only without a reload
        assert marker == 1

        # A bid is confirmed first, in a dialog worked by keyboard: Enter submits the form, the
        # dialog opens on "Back", Escape cancels and nothing is sent; Tab, Shift+Tab, Enter
        # on "Confirm bid" places it.
        page_a.fill("#bid-value", "95000")
        page_a.press("#bid-value", "Enter")
        page_a.wait_for_selector("#bid-confirm[open]")
        assert "95,000.00" in page_a.inner_text("#bid-confirm-text")
        assert page_a.evaluate("document.activeElement.id") == "bid-confirm-no"
        page_a.keyboard.press("Escape")
        page_a.wait_for_selector("#bid-confirm:not([open])", state="attached")
        assert page_a.inner_text("#seq") == "0"
        page_a.press("#bid-value", "Enter")
        page_a.wait_for_selector("#bid-confirm[open]")
        page_a.keyboard.press("Shift+Tab")
        assert page_a.evaluate("document.activeElement.id") == "bid-confirm-yes"
        page_a.keyboard.press("Enter")
        page_a.wait_for_function("document.getElementById('bid-msg').className.includes('ok')")
        page_b.wait_for_function("document.getElementById('seq').textContent === '1'")
        assert "95,000.00" in page_b.inner_text("#best")
        assert page_b.evaluate("window.__noReload") == 1

        page_b.fill("#bid-value", "94000")
        page_b.click("#bid-form button[type=submit]")
        page_b.click("#bid-confirm-yes")
        page_a.wait_for_function("document.getElementById('seq').textContent === '2'")
        assert "94,000.00" in page_a.inner_text("#best")
        assert "2" in page_a.inner_text("#own-rank")
        # Outbid: "accepted" is gone, the standing says so; the ladder ranks, the end has a date.
        assert page_a.inner_text("#bid-msg") == ""
        assert "2" in page_a.inner_text("#standing")
        assert page_a.locator("#ladder tr").first.locator("td").first.inner_text() == "1"
        assert page_a.locator("#ladder tr").first.locator("td").nth(1).inner_text() == "2"
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", page_a.inner_text("#ends-at"))
        assert page_a.locator("#ladder tr").count() == 2
        assert page_a.locator("#chart circle").count() == 2
        page_a.screenshot(path="/tmp/h5-auction-live.png", full_page=True)

        # A too-small step is refused with a readable message; the socket stays usable.
        page_a.fill("#bid-value", "93900")
        page_a.click("#bid-form button[type=submit]")
        page_a.click("#bid-confirm-yes")
        page_a.wait_for_function("document.getElementById('bid-msg').className.includes('bad')")

        # The consumer timer closes the auction at its end; both pages reveal the winner.
        timeout_ms = (CLOSE_AFTER_S + 30) * 1000
        for page in (page_a, page_b):
            page.wait_for_selector("#award-link", timeout=timeout_ms)
        assert sb.agency.name in page_a.inner_text("#result")
        assert page_b.evaluate("window.__noReload") == 1
        page_b.screenshot(path="/tmp/h5-auction-closed.png", full_page=True)
    finally:
        ctx_a.close()
        ctx_b.close()

    award = Award.objects.get(project=project)
    assert Project.objects.get(pk=project.pk).status == Project.Status.AWARDED

    ctx_p, page_p = logged_in_context(browser, project.created_by, server)
    try:
        page_p.goto(url)
        page_p.click("#award-link")
        page_p.wait_for_url(f"**/awards/{award.pk}/")
        assert award.code in page_p.content()
    finally:
        ctx_p.close()

    ctx_v, page_v = logged_in_context(browser, approval_user(), server)
    try:
        page_v.goto(f"{server}/verify/")
        page_v.fill("#code", award.code)
        page_v.click("form.verify-form button[type=submit]")
        page_v.wait_for_selector(".verdict-ok")
        assert sb.agency.name in page_v.content()
    finally:
        ctx_v.close()
