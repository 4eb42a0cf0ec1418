"""The second factor: a six-digit code from an authenticator app (TOTP, RFC 6238, django-otp).

Who must use it (``required_for``): with ``JUECE_REQUIRE_2FA`` on, every user of a role in
``JUECE_2FA_ROLES`` (by default those who review, advise, decide and audit) and every staff
user and superuser. Anyone may enrol of his own accord; once he has a confirmed device, every
login asks for the code (``owed``).

A wrong code is a failed login for django-axes: it counts toward the same lockout as a wrong
password (``JUECE_LOGIN_FAILURE_LIMIT``, one ``login_locked_out`` audit event per lockout), and
django-otp's throttle doubles the device's wait after each wrong code (1, 2, 4... seconds) until
a right one. The key of an enrolment stays in the session until a code confirms it, so that no
device is stored that was never shown to work.
"""

import time
from base64 import b32encode
from dataclasses import dataclass

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.checks import Error, register
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY, verify_token
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from decisions.audit import audit_record
from decisions.rulebook import Role

#: The session's key of an enrolment under way: the hex key, until a code confirms it.
PENDING_KEY = "juece_otp_pending_key"
#: What a login still owes: nothing, a code, or a device first.
VERIFY, ENROL = "verify", "enrol"


class SecondFactorRefused(Exception):
    """A change of the second factor the rules refuse; ``code`` names the rule."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def covered(user) -> bool:
    """Staff, superusers and the roles of ``JUECE_2FA_ROLES``."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return user.groups.filter(name__in=settings.JUECE_2FA_ROLES).exists()


def required_for(user) -> bool:
    return bool(settings.JUECE_REQUIRE_2FA) and covered(user)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def owed(user) -> str:
    """What a password login of ``user`` still owes before it is let in: ``VERIFY`` (a code of
    his device), ``ENROL`` (a device first: he must and has none), or "" (nothing)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return VERIFY
    return ENROL if required_for(user) else ""


def owed_by_session(request) -> str:
    """What the login of this browser session still owes: nothing once a code was entered."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return ""
    return owed(user)


# Enrolment


def enrolment_key(session) -> str:
    """The key of the enrolment under way in this session, made when first asked for."""
    key = session.get(PENDING_KEY, "")
    try:
        valid = len(bytes.fromhex(key)) == 20
    except (TypeError, ValueError):
        valid = False
    if not valid:
        key = session[PENDING_KEY] = random_hex(20)
    return key


def enrolment_device(user, key: str) -> TOTPDevice:
    """The device an enrolment would store (unsaved): its QR code and its secret as text."""
    return TOTPDevice(user=user, key=key, name=_("Authenticator app"), confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The key as an authenticator app takes it typed in: base32, in groups of four."""
    text = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def otp_device_confirm(*, key: str, token: str, acting_user) -> TOTPDevice | None:
    """Store the enrolment's device once a code it made is right (``None`` otherwise), as the
    user's one confirmed device; an audit event ``otp_device_confirmed``."""
    device = enrolment_device(acting_user, key)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not _is_code(token, device.digits) or not totp.verify(int(token), device.tolerance):
        return None
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=acting_user.pk).first()
        if confirmed_device(acting_user) is not None:
            raise SecondFactorRefused("otp_already_enrolled",
                                      _("Two-step verification is already set up."))
        device.confirmed = True
        device.last_t = totp.t()  # the code that confirmed it cannot log in again
        device.last_used_at = timezone.now()
        device.save()
        audit_record(action="otp_device_confirmed", actor=acting_user,
                     after={"username": acting_user.get_username(), "device": device.name,
                            "required": required_for(acting_user)})
    return device


def otp_device_remove(*, request, token: str, acting_user) -> "Verdict":
    """Remove the user's own device once a current code of it is right; refused (before any
    code is taken) while 2FA is required of him. An audit event ``otp_device_removed``. An
    administrator's reset, for a lost phone, is a deletion in the admin (accounts/admin.py)."""
    if required_for(acting_user):
        raise SecondFactorRefused("otp_required_for_role", _(
            "Two-step verification is required for your role: it cannot be turned off. If "
            "you lost your phone, ask the administrator to reset it."))
    verdict = code_check(request, acting_user, token)
    if verdict.ok:
        device = verdict.device
        with transaction.atomic():
            audit_record(action="otp_device_removed", actor=acting_user,
                         before=device_record(device),
                         after={"username": acting_user.get_username(), "reason": "by_owner"})
            device.delete()
        session_forgets_device(request)
    return verdict


def device_record(device: TOTPDevice) -> dict:
    """A device as the audit trail keeps it: never its key."""
    return {"device": device.name, "created_at": device.created_at,
            "last_used_at": device.last_used_at}


# Codes


@dataclass(frozen=True)
class Verdict:
    """A code's outcome: ``ok``, ``wrong``, ``locked`` (the login is locked out) or
    ``no_device``; ``wait`` is the seconds before the device takes another code."""

    outcome: str
    device: TOTPDevice | None = None
    wait: int = 0

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    def message(self) -> str:
        if self.outcome == "no_device":
            return _("Two-step verification is not set up for this login.")
        text = _("The code is not right. Enter the six digits your authenticator app shows "
                 "now.")
        if self.wait > 1:
            text += " " + _("To stop guessing, the next code is taken after %(seconds)s "
                            "seconds.") % {"seconds": self.wait}
        return text


def code_check(request, user, token: str, *, login: bool = False) -> Verdict:
    """Check a code of ``user``'s confirmed device, sent with ``request`` (Django's request).
    A wrong one is a failed login for django-axes, which may lock the login out; a right one
    that completes a ``login`` is an audit event ``otp_verified``."""
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        request.axes_locked_out = True
        request.axes_credentials = credentials
        return Verdict("locked")
    device = confirmed_device(user)
    if device is None:
        return Verdict("no_device")
    verified = _is_code(token, device.digits) and verify_token(user, device.persistent_id, token)
    if verified:
        if login:
            audit_record(action="otp_verified", actor=user,
                         after={"username": user.get_username()})
        return Verdict("ok", verified)
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False):
        return Verdict("locked")
    device.refresh_from_db()
    allowed, info = device.verify_is_allowed()
    wait = 0 if allowed else max(1, round((info["locked_until"] - timezone.now()).total_seconds()))
    return Verdict("wrong", device, wait)


def session_verified(request, device: TOTPDevice) -> None:
    """The browser session has shown its second factor: a new session key (the login's
    privileges changed), the device remembered for the rest of the session."""
    request.session.cycle_key()
    request.session.pop(PENDING_KEY, None)
    otp_login(request, device)


def session_forgets_device(request) -> None:
    request.session.pop(DEVICE_ID_SESSION_KEY, None)


def _is_code(token, digits: int) -> bool:
    token = str(token or "").strip()
    return token.isascii() and token.isdigit() and len(token) == digits


@register()
def check_roles(app_configs, **kwargs):
    """``JUECE_2FA_ROLES`` names roles that exist: a misspelt one would leave its holders
    without the second factor the deployment asked for."""
    unknown = sorted(set(settings.JUECE_2FA_ROLES) - set(Role.values))
    if unknown:
        return [Error(f"JUECE_2FA_ROLES names unknown roles: {', '.join(unknown)}",
                      hint=f"Roles: {', '.join(Role.values)}", id="juece.E030")]
    return []
