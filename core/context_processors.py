from django.conf import settings

from core.roles import organisation_of


def platform(request):
    org = organisation_of(getattr(request, "user", None))
    return {
        "PLATFORM_NAME": settings.MARKETPLACE["PLATFORM_NAME"],
        "SUPERVISION_PHONE": settings.MARKETPLACE["SUPERVISION_PHONE"],
        "current_org": org,
        "current_kind": org.kind if org else None,
        # DEBUG on or the public development key: the banner of templates/base.html.
        "DEVELOPMENT_SETTINGS": development_settings(),
    }


def development_settings() -> bool:
    return settings.DEBUG or settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY
