"""Audit events for what happens outside the services: logging in and out. A failed login is
no event of its own: the web layer's lockout records one event per lockout
(workflows/accounts/lockout.py), so that guessing passwords cannot flood the chain.

The flow engine's task moves reach the audit trail through the services it calls
(workflows/signals.py calls stage_tasks/services.py)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from .audit import audit_record


@receiver(user_logged_in, dispatch_uid="juece_audit_login")
def _logged_in(sender, request, user, **kwargs):
    audit_record(action="login", actor=user)


@receiver(user_logged_out, dispatch_uid="juece_audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="logout", actor=user)

