"""Every page of every role on a phone, with accessibility checked (docs/conventions.md, "Pages").

The demo is loaded, and each role signs in in headless chromium at 390 × 844. On every page:
- the page answers 200;
- nothing sticks out past the screen (`scrollWidth <= innerWidth`): a table scrolls inside its
  own box, never the page; no cell is squeezed so narrow that a name wraps a character a line;
- axe-core, vendored in `tests/browser/vendor/axe-core/` from the npm registry, finds no
  serious or critical violation of WCAG 2.1 A/AA (once per view and role: the other pages of a
  view share its template). WCAG 2.1 AA is the level GB/T 37668-2019
  follows for Chinese public-service sites.

This runs in Chinese, the default. The same pages are then visited in English, where labels run
longer, and with the large-text mode on (适老化). Set ``SCREENSHOT_DIR`` to keep a screenshot of
every page, at 390 px and at 1366 px.
"""
from __future__ import annotations

import io
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import resolve

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"], runOnly: {type: "tag",
    values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")}`);
}"""
PASSWORD = "Demo#2026zj"
LARGE_TEXT_PAGES = {"/", "/projects/", "/agencies/", "/credit/", "/account/", "/regulator/",
                    "/regulator/risks/", "/projects/new/", "/approvals/", "/agencies/mine/"}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def demo_pages() -> dict[str, list[str]]:
    """The pages of each demo login (``"anonymous"``: signed out), read off the loaded demo."""
    from agencies.models import Agency
    from bidding.models import Award, Panel, Project
    from core.catalogue import service_items
    from core.models import Member
    from credit.models import Inspection, Sanction

    org = {m.user.username: m.organisation_id
           for m in Member.objects.select_related("user").filter(user__username__startswith="demo_")}
    agency = Agency.objects.get(organisation_id=org["demo_agency1"])
    item = service_items().order_by("pk").first()
    projects = {}
    for project in Project.objects.exclude(status="draft").order_by("pk"):
        projects.setdefault(project.status, project.pk)
        projects.setdefault(project.method, project.pk)
    awards = {}
    for award in Award.objects.order_by("pk"):
        awards.setdefault(award.status, award.pk)
    live = Project.objects.filter(method="live_bidding", status="selecting").order_by("pk").first()
    delivered = Award.objects.filter(project__purchaser_id=org["demo_enterprise"],
                                     status="delivered").first() \
        or Award.objects.filter(status="delivered").first()
    draft = Project.objects.filter(status="draft").order_by("pk").first()
    inspection = Inspection.objects.order_by("pk").first()
    sanction = Sanction.objects.order_by("pk").first()
    panel = Panel.objects.order_by("pk").first()

    public = ["/", "/projects/", *(f"/projects/{pk}/" for pk in sorted(set(projects.values()))),
              "/awards/", *(f"/awards/{pk}/" for pk in sorted(set(awards.values()))),
              "/agencies/", f"/agencies/{agency.pk}/", "/catalogue/", f"/catalogue/items/{item.pk}/",
              "/catalogue/agencies/", "/catalogue/fees/", "/credit/",
              f"/credit/agencies/{agency.pk}/", "/credit/model/", "/credit/sanctions/",
              "/inspections/", f"/purchasers/{org['demo_enterprise']}/",
              f"/ratings/agency/{agency.pk}/", "/verify/", "/audit/", "/accounts/login/",
              "/accounts/signup/", "/agencies/register/", "/complaints/new/", "/data/"]
    if live:
        public.append(f"/projects/{live.pk}/auction/")
    if sanction:
        public.append(f"/credit/sanctions/{sanction.pk}/")
    if inspection:
        public.append(f"/inspections/{inspection.pk}/")
    mine = f"/agencies/{agency.pk}"
    pages = {
        "anonymous": public,
        "demo_agency1": ["/account/", "/my/", "/agencies/mine/", f"{mine}/edit/", f"{mine}/offers/",
                         f"{mine}/papers/", f"{mine}/practitioners/", f"{mine}/qualifications/",
                         f"{mine}/subscriptions/", "/projects/recommended/", "/notifications/",
                         "/notifications/settings/", "/webhooks/",
                         "/complaints/"] + ([f"/projects/{live.pk}/auction/"] if live else []),
        "demo_enterprise": ["/account/", "/my/", "/projects/new/", "/notifications/"]
                           + ([f"/projects/{draft.pk}/edit/"] if draft else [])
                           + ([f"/awards/{delivered.pk}/", f"/ratings/award/{delivered.pk}/"]
                              if delivered else []),
        "demo_approval": ["/account/", "/approvals/", "/webhooks/"],
        "demo_regulator": ["/account/", "/regulator/", "/regulator/risks/",
                           "/regulator/objections/", "/regulator/appeals/",
                           "/regulator/complaints/", "/regulator/posting-reviews/",
                           "/regulator/sanctions/", "/regulator/ties/", "/regulator/inspections/",
                           "/regulator/experts/", "/regulator/experts/new/", "/regulator/panels/"]
                          + ([f"/regulator/inspections/{inspection.pk}/"] if inspection else [])
                          + ([f"/regulator/panels/{panel.pk}/"] if panel else []),
        "demo_expert1": ["/account/", "/expert/panels/"],
    }
    return pages


def signed_in(browser, base: str, username: str, *, language: str, viewport: dict,
              large_text: bool = False):
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    cookies = [{"name": "django_language", "value": language, "url": base}]
    if large_text:
        cookies.append({"name": "large_text", "value": "1", "url": base})
    context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(20000)
    if username != "anonymous":
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form [type=submit]").last.click()
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, f"{username} could not sign in"
    return context, page


def visit(page, url: str, problems: list[str], *, axe: bool, shot: Path | None) -> None:
    response = page.goto(url)
    if response is None or response.status != 200:
        problems.append(f"{url}: HTTP {response.status if response else '—'}")
        return
    wide, screen = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    if wide > screen:
        culprits = page.evaluate("""() => [...document.querySelectorAll("body *")]
          .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5).slice(-3)
          .map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : ""))""")
        problems.append(f"{url}: {wide} px wide on a {screen} px screen ({', '.join(culprits)})")
    squeezed = page.evaluate("""() => [...document.querySelectorAll("td, th, dd")].filter(c => {
        const style = getComputedStyle(c), size = parseFloat(style.fontSize);
        const text = c.innerText.trim();
        return c.offsetParent !== null && text.length >= 6 && c.clientWidth < 3.5 * size
          && c.clientHeight > 4 * size * 1.4;
      }).slice(0, 3).map(c => c.innerText.trim().slice(0, 12))""")
    if squeezed:  # a long name wrapped one character per line
        problems.append(f"{url}: cells squeezed to a character per line: {squeezed}")
    if axe:
        page.add_script_tag(content=AXE)
        problems.extend(f"{url}: {v}" for v in page.evaluate(AXE_RUN))
    if shot is not None:
        page.screenshot(path=str(shot), full_page=True)


def shot_path(folder: Path | None, username: str, url: str, suffix: str) -> Path | None:
    if folder is None:
        return None
    name = url.strip("/").replace("/", "_") or "home"
    return folder / f"{username}__{name}__{suffix}.png"


def test_every_page_of_every_role_fits_a_phone_and_passes_axe(browser, live_server):
    with ThreadPoolExecutor(1) as pool:  # the demo broadcasts after commit (async_to_sync)
        pool.submit(call_command, "load_demo", stdout=io.StringIO()).result()
    pages = demo_pages()
    assert sum(len(urls) for urls in pages.values()) >= 60
    folder = Path(os.environ["SCREENSHOT_DIR"]) if os.environ.get("SCREENSHOT_DIR") else None
    if folder:
        folder.mkdir(parents=True, exist_ok=True)

    # Large text: the pages with the widest content (tables, figures, forms), not all of them.
    large = {user: [u for u in urls if u in LARGE_TEXT_PAGES or "/auction/" in u
                    or u.startswith("/awards/")] for user, urls in pages.items()}
    problems: list[str] = []
    for language, sample, axe, suffix in (("zh-hans", pages, True, "zh-390"),
                                          ("en", pages, False, "en-390"),
                                          ("zh-hans", large, False, "zh-390-large")):
        started = time.monotonic()
        for username, urls in sample.items():
            if not urls:
                continue
            context, page = signed_in(browser, live_server.url, username, language=language,
                                      viewport=PHONE, large_text=sample is large)
            found: list[str] = []
            checked: set[str] = set()  # axe once per view and role: same template, same markup
            for url in urls:
                view = resolve(url).view_name
                visit(page, live_server.url + url, found, axe=axe and view not in checked,
                      shot=shot_path(folder, username, url, suffix))
                checked.add(view)
            problems += [f"[{suffix} {username}] {p}" for p in found]
            context.close()
        print(f"{suffix}: {sum(map(len, sample.values()))} pages in {time.monotonic() - started:.1f} s")
    if folder:  # desktop screenshots to look at; the desktop layout is not asserted here
        for language in ("zh-hans", "en"):
            for username, urls in pages.items():
                context, page = signed_in(browser, live_server.url, username, language=language,
                                          viewport=DESKTOP)
                for url in urls:
                    page.goto(live_server.url + url)
                    page.screenshot(path=str(shot_path(folder, username, url,
                                                       f"{language[:2]}-1366")), full_page=True)
                context.close()
    assert not problems, "\n".join(problems)


def test_large_text_and_the_phone_menu_survive_a_reload_and_work_by_keyboard(browser,
                                                                           live_server):
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/")
    toggle = page.locator(".nav-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("#mainnav-links").is_visible()
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator("#mainnav-links a[href='/projects/']").is_visible()

    size = page.locator("#text-size")
    assert size.get_attribute("aria-pressed") == "false"
    size.focus()
    page.keyboard.press("Enter")
    assert "large-text" in page.evaluate("document.documentElement.className")
    page.reload()
    assert "large-text" in page.evaluate("document.documentElement.className")
    assert page.locator("#text-size").get_attribute("aria-pressed") == "true"
    page.locator("#text-size").click()
    page.reload()
    assert "large-text" not in page.evaluate("document.documentElement.className")
    context.close()

    # Without JavaScript the toggle is a form post that sets the same cookie.
    context = browser.new_context(locale="zh-CN", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/projects/")
    assert page.locator("#mainnav-links").is_visible()  # no script: the menu is simply open
    page.locator("#text-size").click()
    page.wait_for_load_state()
    assert page.url.endswith("/projects/")
    assert "large-text" in (page.locator("html").get_attribute("class") or "")
    context.close()
