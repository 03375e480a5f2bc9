"""Property-based run of the whole HTTP API against its own OpenAPI schema (schemathesis).

Every operation is called with generated (valid and invalid) inputs as an administrator and
as a coordinator; no answer may be a server error, and every answer must have a status code
and a body the schema declares for it. Everything the run writes is rolled back with the
test's transaction.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
ROLES = ("admin", "coordinator")
EXAMPLES = 20
"""Generated cases per operation and mode (each sent as both roles)."""


@pytest.fixture
def wsgi_app():
    """The service's WSGI application, called in the test's own transaction.

    Django closes the database connection at the start and end of each request when it is
    not in autocommit; its test client disconnects that handler, and so does this fixture.
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from matching.web.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _real_ids(users, open_vacancy_ids, available_candidate_ids) -> dict[str, object]:
    """Path values that exist, so that generated requests also reach past the 404s."""
    from matching.web import engine, runs

    run = runs.start_run(users["coordinator"], "assign", {})
    return {"vacancy_id": open_vacancy_ids[0], "candidate_id": available_candidate_ids[0],
            "run_id": run.pk, "version": engine.registry().active()}


def test_every_operation_answers_as_its_schema_says(wsgi_app, tokens, users, open_vacancy_ids,
                                                   available_candidate_ids):
    api_schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    real = _real_ids(users, open_vacancy_ids, available_candidate_ids)
    headers = {name: {"Authorization": f"Bearer {tokens[name]}"} for name in ROLES}
    failures: list[str] = []
    calls = 0

    def run(operation, strategy, examples: int) -> None:
        @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck),
                  derandomize=True, database=None, phases=[Phase.generate])
        @given(strategy)
        def check(case) -> None:
            nonlocal calls
            for name in ROLES:
                calls += 1
                case.call_and_validate(headers=headers[name], checks=CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # collected, reported below
            failures.append(f"{operation.label}: {exc}")

    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 18
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run(operation, operation.as_strategy(generation_mode=mode), EXAMPLES)
        names = {p.name for p in operation.path_parameters}
        if names and names <= set(real):
            fixed = {name: real[name] for name in names}
            run(operation, operation.as_strategy(path_parameters=fixed), EXAMPLES)
    assert not failures, "\n\n".join(failures)
    assert calls > 1500
