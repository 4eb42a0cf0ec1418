"""Audit events for what happens outside the services: logging in and out.

The flow engine's task moves reach the audit trail through the services it calls
(workflows/signals.py calls stage_tasks/services.py)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .audit import audit_record


@receiver(user_logged_in, dispatch_uid="juece_audit_login")
def _logged_in(sender, request, user, **kwargs):
    audit_record(action="login", actor=user)


@receiver(user_logged_out, dispatch_uid="juece_audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="logout", actor=user)


@receiver(user_login_failed, dispatch_uid="juece_audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    """The login that was tried, never the password."""
    audit_record(action="login_failed", actor=None,
                 after={"username": str(credentials.get("username", ""))[:150]})
