"""Every request's acts carry its user and IP address into the audit trail; ``record_refusal``
writes a refused request's audit event (the workflow layer's middleware, pages and API call it,
naming the decision when they know it)."""

from django.conf import settings

from .chain import _client_ip, _current_actor, audit_record


def request_ip(request) -> str | None:
    if settings.JUECE_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ip_token = _client_ip.set(request_ip(request))
        actor_token = _current_actor.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            _current_actor.reset(actor_token)
            _client_ip.reset(ip_token)


def record_refusal(request, decision=None) -> None:
    """A refused access attempt: who tried what, from where, on which decision."""
    user = getattr(request, "user", None)
    audit_record(action="access_refused",
                 actor=user if getattr(user, "is_authenticated", False) else None,
                 decision=decision,
                 after={"path": request.path, "method": request.method})

