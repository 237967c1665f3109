"""The random draw's contribution in the browser (static/js/draw.js): the sign-up page makes
32 random bytes, sends only their SHA-256, keeps the contribution in localStorage, and the
selection page reveals it with one click."""
import hashlib

import pytest

from bidding.models import DrawContribution
from tests.bidding.test_draw_commit_reveal import World
from tests.factories import bidding as bf
from tests.factories.core import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agency_commits_in_the_browser_and_reveals_from_the_stored_contribution(
        page, live_server):
    w = World(n=2, committing=(0,))
    agency = bf.bidding_agency(w.project)
    user = agency.organisation.members.get().user
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form [type=submit]").last.click()
    page.wait_for_url(lambda url: "/login/" not in url)

    page.goto(f"{live_server.url}/projects/{w.project.pk}/")
    shown = page.locator("[data-draw-commit] [data-draw-contribution]")
    shown.wait_for()
    contribution = shown.inner_text().strip()
    assert len(contribution) == 64
    commitment = page.locator("#id_draw_commitment").input_value()
    assert commitment == hashlib.sha256(contribution.encode()).hexdigest()
    assert page.locator("[data-draw-download]").first.get_attribute("href").startswith("blob:")
    page.get_by_role("button", name="我要报名").click()
    page.wait_for_load_state()
    row = DrawContribution.objects.get(signup__agency=agency)
    assert row.commitment == commitment and not row.reveal  # the server never saw the secret
    assert page.evaluate(f"localStorage.getItem('draw-contribution:{w.project.pk}')") == \
        contribution
    # After sign-up the page shows the kept contribution again (to copy to another device).
    page.locator("[data-draw-saved] [data-draw-contribution]").wait_for()

    w.close()
    page.goto(f"{live_server.url}/projects/{w.project.pk}/selection/")
    page.get_by_role("button", name="使用本浏览器保存的贡献值").click()
    page.get_by_role("button", name="揭示我的贡献值").click()
    page.wait_for_load_state()
    row.refresh_from_db()
    assert row.reveal == contribution
