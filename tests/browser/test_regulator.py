"""A regulator opens the workspace overview, sees its charts, confirms a proposed expulsion; the
agency's public profile then shows it expelled (R10, R11)."""
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import translation

from agencies.models import Agency
from core.models import Region
from credit.models import CreditEvent, Sanction
from tests.factories import credit as cf
from tests.factories.core import PASSWORD, regulator_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_regulator_sees_charts_and_confirms_an_expulsion_shown_on_the_profile(page, live_server):
    Region.objects.get_or_create(code="420000", defaults={"name": "湖北省"})
    from tests.factories import ratings as rf
    from tests.factories.agencies import agency

    # made_award broadcasts after commit (async_to_sync), which cannot run in this thread while
    # Playwright's event loop is running: create the rated award in a worker thread.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(rf.rating).result()
    fraud = agency(name="武汉某某虚假注册咨询有限公司")
    cf.event(fraud, CreditEvent.Kind.REGISTRATION_FRAUD, source="operator",
             reason="提交伪造的营业执照复印件")
    sanction = Sanction.objects.get(agency=fraud, status=Sanction.Status.PROPOSED)
    regulator = regulator_user()

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", regulator.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form [type=submit]").last.click()
    page.goto(f"{live_server.url}/regulator/")
    for source in ("chart-grades", "chart-monthly", "chart-projects"):
        chart = page.locator(f'[data-source="{source}"] svg')
        chart.wait_for()
        assert chart.locator("rect, polyline").count() > 0
    assert page.locator('[data-source="chart-grades"] svg rect').count() == 5

    page.locator('a[href="/regulator/sanctions/"]').first.click()
    card = page.locator(f"#sanction-{sanction.pk}")
    assert "武汉某某虚假注册咨询有限公司" in card.inner_text()
    card.locator('button[value="confirm"]').click()
    page.wait_for_selector(".msg-success")
    assert page.locator(f"#sanction-{sanction.pk}").count() == 0

    fraud.refresh_from_db()
    assert fraud.standing == Agency.Standing.EXPELLED
    page.goto(f"{live_server.url}{fraud.get_absolute_url()}")
    with translation.override("zh-hans"):
        expelled = str(Agency.Standing.EXPELLED.label)
    assert page.locator(".badge-bad", has_text=expelled).first.is_visible()


def test_purchaser_rates_with_the_keyboard_and_by_touch(browser, live_server):
    Region.objects.get_or_create(code="420000", defaults={"name": "湖北省"})
    from ratings.models import Rating
    from tests.factories import ratings as rf

    with ThreadPoolExecutor(1) as pool:
        award = pool.submit(rf.accepted_award).result()
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                  has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", award.project.created_by.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form [type=submit]").last.click()
    page.goto(f"{live_server.url}/ratings/award/{award.pk}/")
    page.locator("#id_quality_1").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")                     # 1 → 4 stars
    assert page.locator('.star-picker[data-field="quality"] label.on').count() == 4
    for field, stars in (("timeliness", 5), ("attitude", 3), ("fees", 4), ("conduct", 5)):
        page.locator(f'label[for="id_{field}_{stars}"]').tap()
    page.fill("#id_comment", "现场踏勘认真，报告一次通过技术审查。")
    page.locator("#rate-form button[type=submit]").click()
    page.wait_for_selector(".msg-success")
    rating = Rating.objects.get(award=award)
    assert (rating.quality, rating.timeliness, rating.attitude, rating.fees, rating.conduct) == (
        4, 5, 3, 4, 5)
    context.close()
