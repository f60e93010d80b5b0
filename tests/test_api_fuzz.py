"""Property-based fuzzing of the whole API from its own OpenAPI schema (schemathesis).

Every operation gets generated requests, valid and not, as the office user
(who may write) through a token: no response may be a 5xx, and every
response must match the status codes and schemas the schema documents.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.checks import not_a_server_error

from sites.wsgi import application


@pytest.fixture
def api_schema(db):
    # Requests go straight to the WSGI app, inside the test's transaction; like
    # Django's test client, keep the app from closing that connection after each.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def office_token(db):
    from django.contrib.auth.models import User

    from apps.lowcode.api.api_key import generate_keys

    key, secret = generate_keys(User.objects.get(username="office"))
    return f"token {key}:{secret}"


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, office_token):
    case.call_and_validate(
        headers={"Authorization": office_token},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
