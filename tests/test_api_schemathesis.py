"""Property-based run of every operation of the served schema: never a 500, every response as
documented. Bounded (few examples per operation, no deadline) to stay well under a minute."""

import json
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application

from .api import Api, provision

# The served schema is for logged-in users only (docs/security.md), and no user exists when this
# module loads: the same document, rendered by the generator and renderer that serve it.
schema = schemathesis.openapi.from_dict(
    json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True))))
schema.app = application
schema.location = "/api/v1/schema/"

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@contextmanager
def connection_kept():
    """The WSGI app closes the database connection after each request, which would end the
    test's transaction; Django's own test client suspends that the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def token(db) -> str:
    """The office's token, with decisions to see: one at acceptance, one awaiting review."""
    provision()
    api = Api()
    pk = api.propose()["id"]
    api.submit(pk)
    api.to_review(title="待审查的决策")
    api.propose(title="起草中的决策")
    return api["office"]._credentials["HTTP_AUTHORIZATION"]


@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_conforms_to_its_schema(case, token):
    with connection_kept():
        case.call_and_validate(headers={"Authorization": token}, checks=CHECKS)
