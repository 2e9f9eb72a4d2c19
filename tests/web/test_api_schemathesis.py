"""Property-based test of the whole API schema (``/api/v1/openapi.json``) with schemathesis:
for requests generated from the schema, valid ones and invalid ones, sent with a
coordinator's token to a database with a few processes, the application never answers 5xx,
and its answers conform to the schema (documented status codes, content types and bodies).

Each operation is a Hypothesis strategy (``schema[path][method].as_strategy(mode)``), run
here under ``@given`` rather than through ``schema.parametrize()``: the schema comes from the
``app_env`` fixture, and schemathesis' loader for fixture schemas does not work with pytest 9
(it sets ``request.node._nodeid``, which pytest 9 no longer has). Bounded and deterministic:
a few derandomised examples per operation and mode, no deadline, no example database.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from beteiligung.web.app import create_app
from beteiligung.workflow import sessions

EXAMPLES = 8
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# Not this area's routes: the public list documents FastAPI's 422 for bad fields, which the
# application answers with 400 (web.errors); only "no 5xx" is asked of them here.
NOT_OURS = ("/api/v1/public/",)


@pytest.fixture
def api(app_env, clock, web):
    """The schema of the real application, a coordinator's token, and the ids of processes
    in three phases (generated paths mostly name processes that do not exist; half of the
    valid requests are sent to one of these instead)."""
    ids = []
    for phase in ("initiated", "concept", "interim_results"):
        pid = web.journey.new_process(app_env).id
        web.journey.advance_to(app_env, pid, phase, clock)
        ids.append(pid)
    token = sessions.create_api_token(app_env, web.COORDINATOR, web.COORDINATOR,
                                      "schemathesis")
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(app_env))
    return schema, {"Authorization": f"Bearer {token}"}, ids


def operations(schema):
    for path in schema:
        for method, operation in schema[path].items():
            yield f"{method.upper()} {path}", path.startswith(NOT_OURS), operation


def exercise(operation, mode: GenerationMode, headers: dict, checks: list,
             ids: list[int]) -> None:
    existing = st.sampled_from([*ids, None]) if mode is GenerationMode.POSITIVE else st.none()

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode), pid=existing)
    def run(case, pid: int | None) -> None:
        if pid is not None and "process_id" in (case.path_parameters or {}):
            case.path_parameters["process_id"] = pid
        case.call_and_validate(headers=headers, checks=checks)

    run()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_makes_the_api_fail_or_stray_from_its_schema(api, mode):
    schema, headers, ids = api
    seen = []
    for label, foreign, operation in operations(schema):
        exercise(operation, mode, headers, [not_a_server_error] if foreign else CHECKS, ids)
        seen.append(label)
    assert "POST /api/v1/processes/{process_id}/advance" in seen
    assert len(seen) >= 20
