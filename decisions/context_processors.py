"""What every page's header shows: the reader's count of unread notifications."""

from django.utils.functional import SimpleLazyObject

from . import selectors


def unread_notifications(request) -> dict:
    """Counted only when a page shows it, and only for a logged-in reader."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(
        lambda: selectors.notifications_unread_count(user))}
