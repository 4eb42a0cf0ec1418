"""Request rates of the API (DRF throttles), per address for anonymous requests and the token
exchange, per user otherwise: ``JUECE_API_RATES``, read at each request so that a deployment's
setting (and a test's) holds without a restart of the class. Counts are kept in Django's cache,
per process unless the cache is shared."""

from django.conf import settings
from rest_framework import throttling

from decisions.audit.refusals import request_ip


class _Configured:
    """The scope's rate from the settings, and the client's address as the audit trail takes
    it (``X-Forwarded-For`` only behind a trusted proxy)."""

    def get_rate(self):
        return settings.JUECE_API_RATES.get(self.scope) or None

    def get_ident(self, request):
        return request_ip(request) or ""


class AnonThrottle(_Configured, throttling.AnonRateThrottle):
    pass


class UserThrottle(_Configured, throttling.UserRateThrottle):
    pass


class TokenThrottle(_Configured, throttling.SimpleRateThrottle):
    """The token exchange, per address: stricter than the rest (guessing passwords)."""

    scope = "token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
