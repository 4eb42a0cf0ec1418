"""How long a login lasts in the browser: it ends after ``JUECE_SESSION_IDLE_MINUTES`` without
a request and ``JUECE_SESSION_MAX_HOURS`` after the login, however active the person is.

The session records when it began and, at most once a minute, when it was last used (a write per
request would cost every page a query); an idle session also expires in the database and in the
browser, ``SESSION_COOKIE_AGE`` being the idle timeout."""

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from decisions.audit import audit_record
from decisions.audit.refusals import request_ip

LOGIN_AT = "juece_login_at"
SEEN_AT = "juece_seen_at"
TOUCH_SECONDS = 60


def _now() -> float:
    return timezone.now().timestamp()


def session_end_reason(session, now: float) -> str:
    """``idle``, ``lifetime``, or "" while the session may go on."""
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if login_at is not None and now - login_at > settings.JUECE_SESSION_MAX_HOURS * 3600:
        return "lifetime"
    if seen_at is not None and now - seen_at > settings.JUECE_SESSION_IDLE_MINUTES * 60:
        return "idle"
    return ""


class SessionLifetimeMiddleware:
    """Logs a browser session out when it is idle too long or too old; an event names whose."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and SESSION_KEY in request.session:
            self.check(request, user)
        return self.get_response(request)

    def check(self, request, user) -> None:
        session, now = request.session, _now()
        reason = session_end_reason(session, now)
        if reason:
            session.flush()
            request.user = AnonymousUser()
            audit_record(action="session_expired", actor=user, ip=request_ip(request),
                         after={"reason": reason})
            return
        session.setdefault(LOGIN_AT, now)
        if now - session.get(SEEN_AT, 0) >= TOUCH_SECONDS:
            session[SEEN_AT] = now


@receiver(user_logged_in, dispatch_uid="juece_session_login_at")
def _session_begins(sender, request, user, **kwargs):
    """A login through a page starts the session's clock; the API's token exchange has none."""
    session = getattr(request, "session", None)
    if session is not None and SESSION_KEY in session:
        session[LOGIN_AT] = session[SEEN_AT] = _now()
