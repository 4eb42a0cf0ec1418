"""Repeated failed logins lock the username and the address out for a while (django-axes), on
the login form, the admin's login and the API's token exchange alike: all three call
``authenticate`` with the request, and axes' backend comes first.

Each single failure is kept in axes' own tables (``AccessAttempt``, ``AccessFailureLog``); the
audit chain records one event per lockout, so that guessing cannot flood it."""

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off, get_failure_limit
from axes.signals import user_locked_out
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from decisions.audit import audit_record


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check, except for a login without an HTTP request (Django's test client, a shell):
    there is no client to count failures against, and no way in from outside."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_minutes(request) -> int:
    cool_off = get_cool_off(request)
    return max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0


def lockout_message(request) -> str:
    return _("Too many failed logins: this login and this address are locked for "
             "%(minutes)s minutes. Try again later, or ask the administrator.") % {
        "minutes": lockout_minutes(request)}


def lockout_response(request, original_response=None, credentials=None):
    """429: JSON ``{detail, code}`` for the API, the login page's frame for people."""
    match = getattr(request, "resolver_match", None)
    retry_after = str(lockout_minutes(request) * 60)
    if match is not None and match.namespace == "api":
        response = JsonResponse({"detail": lockout_message(request), "code": "login_locked_out"},
                                status=429, json_dumps_params={"ensure_ascii": False})
    else:
        response = render(request, "registration/locked_out.html",
                          {"message": lockout_message(request)}, status=429)
    response["Retry-After"] = retry_after
    return response


@receiver(user_locked_out, dispatch_uid="juece_audit_login_locked_out")
def _record_lockout(sender, request, username=None, ip_address=None, **kwargs):
    """Axes signals every refused attempt of a lockout; the chain keeps the one that began it,
    when the failures reached the limit."""
    failures = getattr(request, "axes_failures_since_start", None)
    credentials = getattr(request, "axes_credentials", None)
    if failures is None or failures != get_failure_limit(request, credentials):
        return
    audit_record(action="login_locked_out", actor=None, ip=ip_address,
                 after={"username": str(username or "")[:150], "failures": failures,
                        "path": request.path})
