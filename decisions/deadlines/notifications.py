"""A user reads his in-app notifications: opening one, or marking them all read.

Reading one's own notice changes no decision, so it leaves no audit event.
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ..models import Notification


def notification_mark_read(*, notification: Notification, acting_user) -> Notification:
    """Only its addressee reads a notification; reading it twice keeps the first time."""
    if notification.user_id != acting_user.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, acting_user) -> int:
    """Every unread notification of ``acting_user``, read now; returns how many."""
    return Notification.objects.filter(user=acting_user, read_at__isnull=True).update(
        read_at=timezone.now())
