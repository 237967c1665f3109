"""The large-text mode (适老化, docs/conventions.md "Pages"): a reader's display preference kept in
a cookie, so every page is served already enlarged (no flash, no script needed). The top bar's
button posts here without JavaScript; ``static/js/site.js`` flips the class and the cookie in
place instead of reloading."""
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

LARGE_TEXT_COOKIE = "large_text"
ONE_YEAR = 365 * 24 * 3600


@require_POST
def text_size(request):
    """Turn the large-text mode on or off (``large=1`` / ``large=0``; toggles without it) and
    go back to ``next`` (a page of this site, else the home page)."""
    wanted = request.POST.get("large")
    now_large = request.COOKIES.get(LARGE_TEXT_COOKIE) == "1"
    large = (wanted == "1") if wanted in ("0", "1") else not now_large
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(LARGE_TEXT_COOKIE, "1" if large else "0", max_age=ONE_YEAR,
                        samesite="Lax", secure=request.is_secure())
    return response
