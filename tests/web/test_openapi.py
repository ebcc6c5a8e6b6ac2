# SPDX-License-Identifier: Apache-2.0
"""The JSON API against its own OpenAPI schema with schemathesis: generated requests (valid
and invalid) never cause a server error and every response matches the schema."""

from __future__ import annotations

from dataclasses import replace

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings

from clearance.web import WebSettings, create_app

pytestmark = pytest.mark.slow


def test_the_api_conforms_to_its_schema(settings: WebSettings) -> None:
    roomy = replace(settings, rate_limits={k: (10_000, 60.0) for k in settings.rate_limits})
    app = create_app(roomy, consent=None)
    app.state.web.users.add("robot", "admin", None)
    headers = {"Authorization": f"Bearer {app.state.web.users.issue_token('robot')}"}
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    calls: dict[str, int] = {}
    for operation in operations:
        key = f"{operation.method} {operation.path}"
        calls[key] = 0

        @given(case=operation.as_strategy())
        @hsettings(max_examples=12, deadline=None, database=None,
                   suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            response = case.call_and_validate(headers=headers)
            done = f"{case.operation.method} {case.operation.path}"
            calls[done] += 1
            assert response.status_code < 500

        check()
    # parameterless operations have one distinct request; the others get many
    assert all(calls.values()) and sum(calls.values()) > 4 * len(calls), calls
