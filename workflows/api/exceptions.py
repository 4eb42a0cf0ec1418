"""How the domain's refusals reach an API client.

A statutory gate is 409 ``{"detail", "code"}``; the domain's ``ValidationError`` is 400 with
field errors; a missing object permission is 403 (or 404 where existence must not leak). Every
refusal (401, 403, 404) is itself an audit event, recorded by workflows.middleware for the API
and the pages alike.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from decisions.errors import StatutoryGateError


def exception_handler(exc, context):
    if isinstance(exc, StatutoryGateError):
        return Response({"detail": exc.message, "code": exc.code},
                        status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
