"""A password change or a role change ends every API token and every browser session of the
user: what they allowed was granted to the password or the role he no longer has.

Django's own session check would catch the password change on the next request only; the role
change it does not catch at all. Sessions are found in the session table (the ``db`` and
``cached_db`` engines, Django's default); a cache-only engine keeps none to search."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from knox.models import AuthToken

from decisions.audit import audit_record, current_actor

User = get_user_model()


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_keys_of(user) -> list[str]:
    store = _session_store()
    if not hasattr(store, "get_model_class"):
        return []
    sessions = store.get_model_class().objects.filter(expire_date__gt=timezone.now())
    return [key for key, data in sessions.values_list("session_key", "session_data").iterator()
            if str(store().decode(data).get(SESSION_KEY)) == str(user.pk)]


def credentials_end(user, *, reason: str, actor=None) -> None:
    """Delete the user's tokens and sessions; an audit event when there were any, naming who
    ended them (by default the request's user, none for a command)."""
    tokens, _ = AuthToken.objects.filter(user=user).delete()
    keys = session_keys_of(user)
    for key in keys:
        _session_store()(session_key=key).delete()
    if tokens or keys:
        audit_record(action="credentials_revoked", actor=actor or current_actor(),
                     after={"username": user.get_username(), "reason": reason,
                            "tokens": tokens, "sessions": len(keys)})


@receiver(pre_save, sender=User, dispatch_uid="juece_password_before")
def _password_before(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    # Django re-hashes a password on login when its hasher changed (``check_password``): the same
    # password, saved with update_fields=["password"] and no raw password set.
    if update_fields == frozenset({"password"}) and getattr(instance, "_password", None) is None:
        return
    instance._password_before = (sender.objects.filter(pk=instance.pk)
                                 .values_list("password", flat=True).first())


@receiver(post_save, sender=User, dispatch_uid="juece_password_changed")
def _password_changed(sender, instance, created, **kwargs):
    before = instance.__dict__.pop("_password_before", None)
    if not created and before is not None and before != instance.password:
        credentials_end(instance, reason="password_changed")


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="juece_role_changed")
def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Either side of the relation: ``user.groups.add(...)`` or ``group.user_set.add(...)``."""
    if action == "pre_clear":
        users = list(instance.user_set.all()) if reverse else (
            [instance] if instance.groups.exists() else [])
    elif action in ("post_add", "post_remove") and pk_set:
        users = list(User.objects.filter(pk__in=pk_set)) if reverse else [instance]
    else:
        return
    for user in users:
        credentials_end(user, reason="role_changed")
