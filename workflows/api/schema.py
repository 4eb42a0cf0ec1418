"""Pieces of the OpenAPI description shared by the endpoints."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer
from rest_framework import serializers

from .bodies import BODIES
from .serializers import GateRefusalSerializer

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The id.")
OPINION_ID = OpenApiParameter("opinion_id", OpenApiTypes.INT, OpenApiParameter.PATH,
                              description="The expert opinion's id.")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


_ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors: {field: [message]}."),
    401: OpenApiResponse(ErrorSerializer, description="No or bad credentials."),
    403: OpenApiResponse(ErrorSerializer, description="No permission to act."),
    404: OpenApiResponse(ErrorSerializer, description="Not found, or not visible to you."),
    409: OpenApiResponse(GateRefusalSerializer, description="A statutory gate refused."),
    429: OpenApiResponse(ErrorSerializer, description=(
        "Too many requests, or too many failed logins (then code login_locked_out).")),
}


def errors(*codes: int) -> dict:
    return {code: _ERRORS[code] for code in codes}


COMPLETION = PolymorphicProxySerializer(
    component_name="TaskCompletion",
    serializers=list(dict.fromkeys(BODIES.values())),
    resource_type_field_name=None,
)
