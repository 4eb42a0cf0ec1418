"""How the domain's refusals reach an API client.

A statutory gate is 409 ``{"detail", "code"}``; the domain's ``ValidationError`` is 400 with
field errors; a missing object permission is 403 (or 404 where existence must not leak). A
refusal is itself an audit event, as for the web pages.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from decisions.audit.refusals import record_refusal
from decisions.errors import StatutoryGateError


def exception_handler(exc, context):
    request = context.get("request")
    if isinstance(exc, StatutoryGateError):
        return Response({"detail": exc.message, "code": exc.code},
                        status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, exceptions.PermissionDenied) and request is not None:
        record_refusal(request, getattr(context.get("view"), "decision", None))
    return drf_exception_handler(exc, context)
