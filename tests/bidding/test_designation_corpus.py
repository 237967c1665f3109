"""The designation check (R3, R4) over the project's labelled corpus
(tests/bidding/designation_corpus.py): every text, placed in every free-text field a posting
publishes, through ``posting_problems``, the one check the page, the API and the demo loader
share. Prints the catch rate and the false-alarm rate, per category and per field; fails below
95 % caught or above 5 % false alarms."""
from collections import Counter

import pytest

from bidding.rules import TEXT_FIELDS, posting_problems
from tests.bidding import designation_corpus as corpus
from tests.factories import bidding as bf

pytestmark = pytest.mark.django_db

BASIS = "《中华人民共和国测绘法》第二十七条"
RESTRICTIVE = corpus.RESTRICTIVE + corpus.HELD_OUT_RESTRICTIVE
LEGITIMATE = corpus.LEGITIMATE + corpus.HELD_OUT_LEGITIMATE
PLACES = (*TEXT_FIELDS, "qualification name", "qualification grade", "avoidance reason")
NEUTRAL = {"title": "某物流园环境影响评价", "scale": "总建筑面积约3.2万平方米",
           "content": "编制环境影响报告表，配合审批部门完成技术审查", "other_requirements": ""}


def _flagged(project, place: str, text: str) -> bool:
    """Does the check refuse ``text`` placed at ``place``, on the field it came from?"""
    for field, value in NEUTRAL.items():
        setattr(project, field, value)
    qualifications = [{"name": "测绘资质", "grade": "乙级", "legal_basis": BASIS}]
    avoidances = []
    if place in TEXT_FIELDS:
        setattr(project, place, text)
        field = place
    elif place == "qualification name":
        qualifications = [{"name": text, "grade": "", "legal_basis": BASIS}]
        field = "qualifications"
    elif place == "qualification grade":
        qualifications = [{"name": "测绘资质", "grade": text, "legal_basis": BASIS}]
        field = "qualifications"
    else:
        avoidances = [{"reason": text}]
        field = "avoidances"
    problems = posting_problems(project, qualifications, avoidances)
    # Measured here: the designation check. A typed row is also off the item's catalogue list
    # (category "not_listed", tests/bidding/test_catalogue_qualifications.py), which says
    # nothing about the wording.
    return any(p.field == field and p.rule in ("R3", "R4") and p.category != "not_listed"
               for p in problems)


def _rate(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} % ({part}/{whole})"


def test_the_corpus_is_big_enough_and_covers_every_category():
    assert len(RESTRICTIVE) >= 120 and len(LEGITIMATE) >= 80
    categories = Counter(category for category, _ in RESTRICTIVE)
    assert set(categories) == {"scale", "region", "local_office", "past_work", "ownership",
                               "brand", "membership", "honours", "certification", "roster",
                               "industry", "preference"}
    assert min(categories.values()) >= 3
    assert len({text for _, text in RESTRICTIVE + LEGITIMATE}) == len(RESTRICTIVE + LEGITIMATE)


def test_the_check_catches_95_percent_and_false_alarms_at_most_5_percent(capsys):
    project = bf.draft()
    caught, alarms = Counter(), Counter()
    caught_at, alarmed_at = Counter(), Counter()
    missed, false_alarms = [], []
    for category, text in RESTRICTIVE:
        for place in PLACES:
            if _flagged(project, place, text):
                caught[category] += 1
                caught_at[place] += 1
            else:
                missed.append((category, place, text))
    for kind, text in LEGITIMATE:
        for place in PLACES:
            if _flagged(project, place, text):
                alarms[kind] += 1
                alarmed_at[place] += 1
                false_alarms.append((kind, place, text))
    n = len(PLACES)
    restrictive_by = Counter(category for category, _ in RESTRICTIVE)
    legitimate_by = Counter(kind for kind, _ in LEGITIMATE)
    catch = sum(caught.values()) / (len(RESTRICTIVE) * n)
    alarm = sum(alarms.values()) / (len(LEGITIMATE) * n)
    with capsys.disabled():
        print(f"\ndesignation corpus: {len(RESTRICTIVE)} restrictive, {len(LEGITIMATE)} "
              f"legitimate texts, each in {n} fields")
        print(f"caught      {_rate(sum(caught.values()), len(RESTRICTIVE) * n)}")
        print(f"false alarm {_rate(sum(alarms.values()), len(LEGITIMATE) * n)}")
        for category, count in sorted(restrictive_by.items()):
            print(f"  caught  {category:<16}{_rate(caught[category], count * n)}")
        for kind, count in sorted(legitimate_by.items()):
            print(f"  alarm   {kind:<16}{_rate(alarms[kind], count * n)}")
        for place in PLACES:
            print(f"  field   {place:<20} caught {_rate(caught_at[place], len(RESTRICTIVE))}"
                  f"  alarm {_rate(alarmed_at[place], len(LEGITIMATE))}")
        for category, place, text in missed:
            print(f"  MISSED  [{category}] in {place}: {text}")
        for kind, place, text in false_alarms:
            print(f"  ALARM   [{kind}] in {place}: {text}")
    assert catch >= 0.95, missed
    assert alarm <= 0.05, false_alarms
