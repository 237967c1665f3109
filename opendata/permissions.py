"""Who may write open-data releases: the platform itself only (docs/architecture.md, "Open
data"). Releases follow the audited changes; nobody writes one by hand."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.permissions import add_perm, is_system

WRITE_RELEASES = "opendata.write_releases"

add_perm(WRITE_RELEASES, is_system, _("Only the platform itself publishes open-data releases."))
