"""Text shown in public: personal data masked as public notices in China show it (``孙*``,
``HP-0****1``)."""
from __future__ import annotations


def mask(text: str, *, keep_start: int, keep_end: int = 0) -> str:
    """``text`` with its middle replaced by stars, keeping at most ``keep_start`` leading and
    ``keep_end`` trailing characters; at least one character is always hidden."""
    text = text or ""
    if not text:
        return ""
    keep_start = max(0, min(keep_start, len(text) - 1))
    keep_end = max(0, min(keep_end, len(text) - keep_start - 1))
    hidden = len(text) - keep_start - keep_end
    return text[:keep_start] + "*" * hidden + (text[len(text) - keep_end:] if keep_end else "")
