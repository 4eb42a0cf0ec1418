"""Telling people what they wait for: an in-app notice per person and event, then an e-mail.

The services that own a transition (a proposal returned, a review recorded, a deadline changed, a
task opened, a meeting's decision) write its notices in the transaction of that act, so a
rolled-back act tells nobody. Each notice names its event ("review:12"); one person gets one
notice per event, whichever service writes it first, so an act that also opens a task is told
once. The acting person is not told of his own act. E-mail goes after commit; a failed e-mail is
logged and the in-app notice stays.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from guardian.models import GroupObjectPermission, UserObjectPermission

from ..models import Decision, Notification
from ..rulebook import stage_permission

logger = logging.getLogger(__name__)


def in_language(build):
    """Notices are stored as written: in the site's language, whoever's request wrote them."""
    with translation.override(settings.LANGUAGE_CODE):
        return build()


def clause(text: str) -> str:
    """Free text set inside a sentence of a notice: without its own closing full stop."""
    return text.strip().rstrip("。.；;")


def role_members(role: str) -> list:
    return list(get_user_model().objects.filter(is_active=True, groups__name=str(role))
                .distinct())


def stage_holders(decision: Decision, stage: str) -> list:
    """Everyone holding ``stage``'s grant on this decision, himself or through his group."""
    codename = stage_permission(stage).split(".")[1]
    grants = {"object_pk": str(decision.pk), "permission__codename": codename,
              "permission__content_type__app_label": Decision._meta.app_label}
    user_ids = set(UserObjectPermission.objects.filter(**grants).values_list("user", flat=True))
    user_ids |= set(GroupObjectPermission.objects.filter(**grants)
                    .values_list("group__user", flat=True))
    return list(get_user_model().objects.filter(pk__in=user_ids - {None}, is_active=True))


def notify(*, users, decision: Decision | None, event: str, message: str, url: str,
           acting_user=None) -> list[Notification]:
    """One notice of ``event`` for each of ``users`` who has none yet; returns the new ones."""
    people = {u.pk: u for u in users if u is not None and u.is_active}
    if acting_user is not None:
        people.pop(acting_user.pk, None)
    already = set(Notification.objects.filter(event=event, user_id__in=people)
                  .values_list("user_id", flat=True))
    fresh = [Notification(user=user, decision=decision, event=event, message=message, url=url)
             for pk, user in people.items() if pk not in already]
    if not fresh:
        return []
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    addresses = sorted({n.user.email for n in fresh if n.user.email})
    if addresses:
        subject = in_language(lambda: _("Notice: %(title)s") % {
            "title": decision.title if decision else message[:40]})
        body = in_language(lambda: "\n\n".join([message, _("Open it: %(url)s") % {"url": url}]))
        backend = settings.EMAIL_BACKEND  # as configured when the act was done
        transaction.on_commit(lambda: _email(subject, body, addresses, backend))
    return fresh


def _email(subject: str, body: str, addresses: list[str], backend: str) -> None:
    try:
        connection = get_connection(backend)
        for address in addresses:
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address],
                         connection=connection).send()
    except Exception as error:  # noqa: BLE001  (the in-app notice stands; e-mail is a courtesy)
        logger.warning("notice e-mail “%s” not sent: %s", subject, error)
