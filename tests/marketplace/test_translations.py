"""Every app's Chinese catalogue is complete, keeps its placeholders, and is the one that
answers at run time: Oscar's and Django's catalogues come earlier in INSTALLED_APPS and win
for an identical msgid ("Closed" → 关闭的), so ambiguous words carry a context instead."""
import html
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

BASE = Path(settings.BASE_DIR)
CATALOGUES = {
    "project": BASE / "locale/zh_Hans/LC_MESSAGES/django.po",
    **{app: BASE / app / "locale/zh_Hans/LC_MESSAGES/django.po"
       for app in ("marketplace", "agencies", "bidding", "ratings", "credit", "notifications",
                   "webhooks", "opendata")},
}
PYTHON_FORMAT = re.compile(r"%(?:\([^)]+\))?[#0 +\-]*\d*(?:\.\d+)?[sdifrx%]")
BRACE_FORMAT = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


def _entries(path):
    return [e for e in polib.pofile(str(path)) if not e.obsolete]


def _translations(entry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _placeholders(text: str, *, brace: bool) -> list[str]:
    found = PYTHON_FORMAT.findall(text)
    if brace:
        found += BRACE_FORMAT.findall(text)
    return sorted(found)


@pytest.mark.parametrize("name", CATALOGUES)
def test_every_entry_has_a_chinese_translation_and_no_fuzzy_flag(name):
    path = CATALOGUES[name]
    po = polib.pofile(str(path))
    assert po.metadata.get("Plural-Forms") == "nplurals=1; plural=0;"
    assert not po.metadata_is_fuzzy
    untranslated = [e.msgid for e in _entries(path)
                    if not all(s.strip() for s in _translations(e))]
    assert not untranslated
    assert not [e.msgid for e in po.fuzzy_entries()]
    assert path.with_suffix(".mo").exists(), "run manage.py compile_translations"


@pytest.mark.parametrize("name", CATALOGUES)
def test_translations_keep_the_placeholders_of_the_source(name):
    wrong = []
    for e in _entries(CATALOGUES[name]):
        brace = "python-brace-format" in e.flags or bool(BRACE_FORMAT.search(e.msgid))
        source = _placeholders(e.msgid_plural or e.msgid, brace=brace)
        for text in _translations(e):
            if _placeholders(text, brace=brace) != source:
                wrong.append((e.msgid, text))
    assert not wrong


def test_our_catalogues_answer_at_run_time():
    """Fails when Oscar/Django/DRF (earlier in INSTALLED_APPS) or another of our apps gives the
    same msgid another translation, or when a .mo file is stale."""
    expected: dict = {}
    for name, path in CATALOGUES.items():
        for e in _entries(path):
            key = (e.msgctxt, e.msgid, e.msgid_plural)
            expected.setdefault(key, {})[name] = _translations(e)[0]
    disagreeing = {k: v for k, v in expected.items() if len(set(v.values())) > 1}
    assert not disagreeing, "one msgid, two translations in our catalogues"
    overridden = []
    with translation.override("zh-hans"):
        for (ctx, msgid, plural), by_app in expected.items():
            if plural:
                got = (translation.npgettext(ctx, msgid, plural, 1) if ctx
                       else translation.ngettext(msgid, plural, 1))
            else:
                got = translation.pgettext(ctx, msgid) if ctx else translation.gettext(msgid)
            ours = next(iter(by_app.values()))
            if got != ours:
                overridden.append((ctx, msgid, ours, got))
    assert not overridden, "add a context (pgettext) or run manage.py compile_translations"


def test_status_labels_that_oscar_also_translates_keep_our_meaning():
    from bidding.models import Objection, Project, SignUp
    from credit.models import Sanction
    from ratings.models import Rating, RatingAppeal

    with translation.override("zh-hans"):
        assert str(Project.Status.CLOSED.label) == "已结束"
        assert str(Project.Status.WITHDRAWN.label) == "已撤回"
        assert str(Project.Status.FAILED.label) == "流标"
        assert str(SignUp.Status.CANCELLED.label) == "已取消"
        assert str(Objection.Status.REJECTED.label) == "不成立"
        assert str(RatingAppeal.Status.REJECTED.label) == "已驳回"
        assert str(Rating.Status.PUBLISHED.label) == "已发布"
        assert str(Sanction.Kind.WARNING.label) == "警示"
        assert str(Sanction.Kind.SUSPENSION.label) == "暂停"
        assert str(Sanction.Kind.EXPULSION.label) == "清退"
        assert str(Sanction.Status.EXPIRED.label) == "已期满"


# --- rendered pages ---------------------------------------------------------------------------

# Latin words a Chinese page may show: file formats, the language switch, the API path.
ALLOWED_WORDS = {"CSV", "PDF", "OFD", "ZIP", "Word", "JSON", "GET", "SHA", "English"}
# Words that were left in English before the catalogues were completed, and Oscar's
# e-commerce readings of our words.
LEFTOVERS = ["Live bidding", "Award notice", "Objections", "Verification code", "Purchaser",
             "Regulator workspace", "Credit events", "Sanctions", "Random inspections",
             "Ratings by purchasers", "Credit of agencies", "关闭的", "过滤器", "模式", "资源",
             "评论"]


def _visible_text(page: str) -> str:
    page = re.sub(r"(?is)<(script|style|code)\b.*?</\1>", " ", page)
    # hashes, credit codes and seeds are shown in monospace
    page = re.sub(r'(?is)<(\w+)[^>]*class="[^"]*\b(seed|mono)\b[^"]*"[^>]*>[^<]*<',
                  " <", page)
    shown = re.findall(r'(?:placeholder|title|aria-label|alt|data-label)="([^"]*)"', page)
    page = re.sub(r"(?s)<[^>]+>", " ", page)
    text = html.unescape(page + " " + " ".join(shown))
    text = text.replace("sha256(seed)", " ")  # the published commitment formula
    return re.sub(r"/[\w/{}\-.]+", " ", text)  # paths such as /api/v1/awards/verify/{code}/


def _english_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z]+", text)
            if len(w) >= 3 and not w.isupper() and w not in ALLOWED_WORDS}


@pytest.fixture
def pages(db):
    from credit.models import Sanction
    from tests.factories import awards as af
    from tests.factories import bidding as bf
    from tests.factories import credit as cf
    from tests.factories.core import regulator_user

    award = af.made_award()
    live, _signups = bf.live_auction()
    closed = bf.project(status="closed")
    suspended = cf.suspended_agency()
    sanction = Sanction.objects.get(agency=suspended)
    return {
        "public": ["/", "/agencies/", f"/agencies/{suspended.pk}/", "/projects/",
                   f"/projects/{closed.pk}/", f"/projects/{live.pk}/auction/", "/awards/",
                   f"/awards/{award.pk}/", "/verify/", f"/verify/?code={award.code}",
                   "/verify/?code=NOPE-NOPE-NOPE", "/credit/", "/credit/model/",
                   f"/credit/agencies/{suspended.pk}/", "/credit/sanctions/",
                   f"/credit/sanctions/{sanction.pk}/", "/inspections/",
                   f"/ratings/agency/{award.agency_id}/"],
        "regulator": ["/regulator/", "/regulator/risks/", "/regulator/objections/",
                      "/regulator/sanctions/", "/regulator/ties/", "/regulator/inspections/",
                      "/regulator/appeals/", f"/credit/agencies/{suspended.pk}/"],
        "regulator_user": regulator_user(),
    }


def _check_chinese(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200, url
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page, url
    text = _visible_text(page)
    assert not _english_words(text), url
    # 资源县 (Guangxi, 450329) is a county in every region picker, not Oscar's "resource".
    assert not [w for w in LEFTOVERS if w in text.replace("资源县", "")], url


def test_public_pages_render_entirely_in_chinese(client, pages):
    for url in pages["public"]:
        _check_chinese(client, url)


def test_regulator_workspace_renders_entirely_in_chinese(client, pages):
    client.force_login(pages["regulator_user"])
    for url in pages["regulator"]:
        _check_chinese(client, url)
