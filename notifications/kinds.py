"""The registry of notification kinds: what a kind's title and body say, and who it is for.

Each app registers its kinds once, from its ``AppConfig.ready``::

    register_kinds({"award.made": KindSpec(
        title=_("Award made"), body=_("%(project)s was awarded to %(agency)s."),
        roles=("purchaser", "agency"))})

Texts are English msgids with their Chinese msgstr in the app's catalogue. Intents store the
kind and its ``data``, never rendered text: ``render`` translates at display or delivery time,
in the reader's language (the request's, or ``settings.LANGUAGE_CODE``, Chinese, outside a
request), so one event reads in Chinese for one recipient and in English for another.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

_KINDS: dict[str, KindSpec] = {}


@dataclass(frozen=True)
class KindSpec:
    """``title`` and ``body`` are lazy translations; ``body`` may hold ``%(name)s`` placeholders
    filled from the intent's ``data``. ``roles`` names the kinds of organisation
    (``core.models.Organisation.Kind`` values) the kind is meant for: the list of kinds a
    person may later choose channels for (docs/architecture.md, "Notifications"). ``urgent``
    marks a kind whose deadline penalises when missed (a signing deadline, a rating window
    closing, 超时预警): it reaches more channels by default than a merely informative one."""

    title: object
    body: object
    roles: tuple[str, ...] = field(default_factory=tuple)
    urgent: bool = False


def register_kinds(kinds: Mapping[str, KindSpec]) -> None:
    """Register ``kinds`` (``{"award.made": KindSpec(…)}``). Registering a code again with the
    same spec is harmless; with a different one it is a programming error (``ValueError``)."""
    for code, spec in kinds.items():
        if "." not in code:
            raise ValueError(f"notification kind {code!r}: expected <object>.<event>")
        known = _KINDS.get(code)
        if known is not None and known != spec:
            raise ValueError(f"notification kind {code!r} registered twice, differently")
        _KINDS[code] = spec


def kind_spec(code: str) -> KindSpec:
    """The spec of ``code``; ``LookupError`` for a kind nobody registered."""
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"unregistered notification kind {code!r}") from None


def registered_kinds() -> dict[str, KindSpec]:
    return dict(_KINDS)


def render(code: str, data: Mapping | None, language: str | None = None) -> tuple[str, str]:
    """``(title, body)`` of an intent of kind ``code`` with ``data``, in ``language`` (default:
    the active language, else ``settings.LANGUAGE_CODE``). A placeholder the data lacks is
    shown empty rather than failing the page."""
    spec = _KINDS.get(code)
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        if spec is None:  # a kind removed since the intent was written
            return code, ""
        return str(spec.title), str(spec.body) % _Lenient(data or {})


class _Lenient(dict):
    def __missing__(self, key):
        return ""


# The platform's first kinds, the events the deadline work and the awards emit; the apps that
# emit them call notify() with these codes (their emitters come with issue 11's channels).
PLATFORM_KINDS = {
    "award.made": KindSpec(
        title=_("Award made"),
        body=_("The award of %(project)s has been published: %(agency)s was selected."),
        roles=("purchaser", "agency")),
    "contract.deadline_near": KindSpec(
        title=_("Contract deadline near"),
        body=_("The contract for %(project)s must be signed by %(deadline)s."),
        roles=("purchaser", "agency"), urgent=True),  # missed: the award passes on
    "signup.closed": KindSpec(
        title=_("Sign-up closed"),
        body=_("Sign-up for %(project)s has closed with %(count)s agencies signed up."),
        roles=("purchaser", "agency")),
}
