"""schemathesis against the app, for each role: every operation of the generated OpenAPI
document, with generated valid and invalid input; no 5xx, every response (status, content
type, headers, body) matches the document, invalid input is refused, a declared token is
not ignored and an undocumented method is refused.

Path ids are mostly generated, which finds nothing; half of them are replaced by the id of a
record the role may or may not read, so that the 200 answers are checked too."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from kmportal.auth.models import Role
from kmportal.extensions import db
from tests.conftest import make_user
from tests.factories import PracticeFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
    unsupported_method,
]


@pytest.fixture
def seeded(app):
    """A few records in each state, by Brazil's focal point; tokens for each role."""
    from kmportal.tokens import service as tokens

    app.config["API_RATE_LIMIT_PER_MINUTE"] = 100_000
    secretariat = make_user("st@example.org", Role.SECRETARIAT, language="en")
    focal = make_user("fp.br@example.org", Role.FOCAL_POINT, "BR", "pt")
    factory = PracticeFactory(secretariat)
    ids = [factory.make(focal, state).id for state in ("draft", "submitted", "published")]
    ids.append(factory.make(secretariat, "returned").id)
    headers = {"anonymous": {}}
    for role, user in (("focal_point", focal), ("secretariat", secretariat)):
        _token, raw = tokens.create_token(user, "schemathesis", "write")
        headers[role] = {"Authorization": f"Bearer {raw}"}
    db.session.commit()
    return {"ids": ids, "headers": headers}


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def _known_ids(case, ids: list[int]) -> None:
    for name, value in list((case.path_parameters or {}).items()):
        if name.endswith("_id") and isinstance(value, int) and value % 2 == 0:
            case.path_parameters[name] = ids[(value // 2) % len(ids)]


SETTINGS = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.parametrize("role", ["anonymous", "focal_point", "secretariat"])
def test_every_operation_answers_as_documented(app, seeded, role):
    headers = {"Accept-Language": "es", **seeded["headers"][role]}
    operations = _operations(app)
    assert len(operations) >= 9
    for operation in operations:
        cases = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @given(case=cases)
        @SETTINGS
        def answers_as_documented(case):
            _known_ids(case, seeded["ids"])
            case.call_and_validate(headers=headers, checks=CHECKS)
            db.session.rollback()

        try:
            answers_as_documented()
        except Exception as error:
            error.add_note(f"{role}: {operation.label}")
            raise
