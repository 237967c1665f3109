"""Text as the check reads it, with the way back to text as the user wrote it.

``normalise(text)`` folds away the disguises a restriction can wear without changing what it
says: compatibility forms (NFKC: full-width letters, digits and punctuation become half-width),
letter case, traditional characters (OpenCC ``t2s``), zero-width and other invisible format
characters (U+200B–U+200D, U+2060, U+FEFF, the soft hyphen …) and white space between Chinese
characters (``须在本 市设有分 公司``). White space between two Latin words or digits is kept as
one space, so English still has its word boundaries.

It returns the folded text and, for every folded character, the index of the character of the
original it came from, so a match is reported as the phrase the user typed
(``Normalised.original``).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")  # built once per process (about 3 ms)


def _invisible(ch: str) -> bool:
    # Cf: format characters (zero-width space/joiners, word joiner, BOM, soft hyphen, bidi
    # marks); Mn combining marks left alone after NFKC would split a word.
    return unicodedata.category(ch) in ("Cf", "Cc") and ch not in "\n\r\t"


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass(frozen=True)
class Normalised:
    text: str
    source: str
    index: tuple[int, ...]  # index[i] = position in ``source`` of ``text[i]``

    def original(self, start: int, end: int) -> str:
        """The user's own characters behind ``text[start:end]``, with whatever they hid in
        between (spaces, zero-width characters), trimmed."""
        if start >= end:
            return ""
        return self.source[self.index[start]:self.index[end - 1] + 1].strip()


def normalise(source: str) -> Normalised:
    out: list[str] = []
    index: list[int] = []
    pending_space = -1  # position of a run of white space not yet decided
    for pos, raw in enumerate(source or ""):
        for ch in unicodedata.normalize("NFKC", raw).casefold():
            if _invisible(ch):
                continue
            if ch.isspace() and ch not in "\n\r":
                if pending_space < 0:
                    pending_space = pos
                continue
            if pending_space >= 0:
                # Keep one space only between two Latin letters or digits ("rmb 5 million").
                if out and _latin(out[-1]) and _latin(ch):
                    out.append(" ")
                    index.append(pending_space)
                pending_space = -1
            out.append(ch)
            index.append(pos)
    folded = "".join(out)
    simplified = _t2s().convert(folded)
    if len(simplified) != len(folded):  # a phrase conversion changed the length: go char by char
        simplified = "".join(c if len(c := _t2s().convert(ch)) == 1 else ch for ch in folded)
    return Normalised(simplified, source or "", tuple(index))
