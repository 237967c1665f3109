"""The designation check (R3, R4; docs/design.md §1): ``scan(text)`` finds every clause of a
posting's text that restricts bidders in one of the prohibited categories
(``bidding/designation/categories.py``), reading the text normalised
(``bidding/designation/normalize.py``) and reporting each phrase as the user wrote it.

``bidding/rules.py::designation_problems`` turns the findings into posting problems; nothing
else calls this package directly. Pure and fast: patterns compiled at import, one OpenCC
converter per process, no queries.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bidding.designation.categories import (
    ALLOWED,
    CATEGORIES,
    NEGATION_AFTER,
    NEGATION_BEFORE,
    Category,
)
from bidding.designation.normalize import Normalised, normalise

__all__ = ["CATEGORIES", "Category", "Finding", "Normalised", "normalise", "scan"]

# Clauses end at sentence punctuation and line breaks, and at a comma unless it sits between
# digits ("RMB 5,000,000"), or a full stop unless a digit follows ("HJ 2.1-2016").
_CLAUSE_END = re.compile(r"[。；;!?！？\n\r]|(?<!\d),|,(?!\d)|\.(?!\d)")
_MASK = "□"  # stands in for a legitimate span; matches no pattern
_LONGEST_PHRASE = 60


@dataclass(frozen=True)
class Finding:
    category: Category
    phrase: str  # as the user wrote it (traditional characters, spaces and all)
    start: int  # where it starts in the text given to ``scan``
    end: int


def _mask_allowed(text: str) -> str:
    for pattern in ALLOWED:
        text = pattern.sub(lambda m: _MASK * len(m.group()), text)
    return text


def _clauses(text: str):
    start = 0
    for match in _CLAUSE_END.finditer(text):
        if match.start() > start:
            yield start, match.start()
        start = match.end()
    if start < len(text):
        yield start, len(text)


def _negated(clause: str, start: int, end: int) -> bool:
    # A negation earlier in the clause ("Agencies are not required to have a local office"),
    # up to two characters into the match: "不要求" may end inside it ("要求…").
    return bool(NEGATION_BEFORE.search(clause[max(0, start - 30):start + 2])
                or NEGATION_AFTER.search(clause[end:]))


def _first_category(clause: str) -> tuple[Category, int, int] | None:
    for category in CATEGORIES:
        for pattern in category.patterns:
            for match in pattern.finditer(clause):
                if not _negated(clause, match.start(), match.end()):
                    return category, match.start(), match.end()
    return None


def scan(text: str) -> list[Finding]:
    """One finding per offending clause, the first category that matches naming it."""
    norm = normalise(text or "")
    masked = _mask_allowed(norm.text)
    findings = []
    for start, end in _clauses(masked):
        hit = _first_category(masked[start:end])
        if hit is None:
            continue
        category, m_start, m_end = hit
        if end - start > _LONGEST_PHRASE:  # a long clause: the match with some context
            start, end = max(start, start + m_start - 12), min(end, start + m_end + 12)
        phrase = norm.original(start, end)
        findings.append(Finding(category, phrase, norm.index[start], norm.index[end - 1] + 1))
    return findings
