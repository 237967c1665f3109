"""The unread badge of the top bar (templates/base.html): one indexed COUNT, made only when a
template shows it and at most once per request."""
from django.utils.functional import SimpleLazyObject

from notifications.selectors.inbox import unread_count


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}

    def count() -> int:
        if not hasattr(request, "_unread_notifications"):
            request._unread_notifications = unread_count(user.pk)
        return request._unread_notifications

    return {"unread_notifications": SimpleLazyObject(count)}
