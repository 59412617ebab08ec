"""The API does what its schema says (issue 7 §6, SECURITY.md T11).

Schemathesis reads ``/api/schema/`` as an employee, her peer and IT staff and sends every
operation there generated requests: valid ones (the answer must be documented and match
its schema) and invalid ones (they must be refused), with a fixed, derandomised example
budget; then the stateful phase chains the operations through the links it infers
(a created record's id into its detail, transition, comment and history endpoints).
Every check schemathesis has must pass. The operations come from the schema, so a
record type added later is covered without touching this file.

The run is PostgreSQL-only (it is the database the API must agree with in production)
and takes a few minutes on two cores; ``EXAMPLES`` and ``STATEFUL`` are its budget.
"""

from collections import Counter
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from knox.models import AuthToken
from rest_framework.test import APIClient
from schemathesis import GenerationMode

from itsm.api.transitions import error_codes
from itsm.errors import Refused
from itsm.registry import record_types
from itsm.testing.kit import kit_for

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")

# Examples per operation, per generation mode (valid, invalid), per path: with random ids
# and with the id of a record the reader may see. Then stateful scenarios.
EXAMPLES = 4
STATEFUL = 20
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
# Every check runs with its defaults but one: a request the schema allows may still name a
# row that does not exist or break a business rule the schema cannot say (wrong password,
# an assignee outside the group); the API refuses those with a documented 400 and a
# stable code, so a 400 is an accepted answer to valid data. Undocumented answers still
# fail (status_code_conformance).
CONFIG = schemathesis.Config.from_dict(
    {
        "base-url": "http://localhost",
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]
            }
        },
    }
)
BUDGET = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@contextmanager
def wsgi_app():
    """The project's WSGI application, on the test's database connection.

    Django's test client keeps the connection open across requests; a bare WSGI handler
    closes it at the end of each request (``close_old_connections``), which would end
    the test's transaction. (The test client reconnects the handler after each of its
    own requests, so it is not used inside.)
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def served_schema(user) -> dict:
    client = APIClient()
    client.force_login(user)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def seeded_records(requester) -> dict[str, str]:
    """One record of every registered type, logged by ``requester`` where they may log it
    (otherwise by the type's first kit person, so the id exists but is out of their
    scope): list URL -> id."""
    seeded = {}
    for record_type in record_types():
        kit = kit_for(record_type)
        try:
            record = kit.create(requester)
        except Refused:
            record = kit.create(kit.people()[0])
        seeded[reverse(f"{record_type.model._meta.model_name}-list")] = str(record.pk)
    return seeded


def authenticate(schema, user) -> None:
    """Every request gets a fresh token of ``user``, set where schemathesis knows it is the
    real credential (its auth checks send the same request with broken ones); one per
    request, so revoking one does not end the run."""

    @schema.auth(refresh_interval=None)
    class FreshToken:
        def get(self, case, context):
            _token, key = AuthToken.objects.create(user)
            return key

        def set(self, case, key, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Token {key}"}


def peer_gets_nothing(ctx, response, case):
    """Object-level authorization (SECURITY.md T11): an employee's peer sending any request
    to one of the employee's records gets no success answer (a 404, or a refusal of the
    input before the record is looked up)."""
    if 200 <= response.status_code < 300:
        raise AssertionError(
            f"{case.method} {case.formatted_path}: a peer employee got "
            f"{response.status_code} on another employee's record"
        )


class Run:
    """Sends the generated cases and keeps the failures and the counts."""

    def __init__(self, *, peer: bool = False):
        self.examples = Counter()
        self.failures = []
        self.peer = peer

    def operation(self, operation, mode, path_parameters=None) -> None:
        label = f"{operation.label} [{mode.value}{' seeded' if path_parameters else ''}]"
        strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
        extra = [peer_gets_nothing] if self.peer and path_parameters else []

        @BUDGET
        @given(case=strategy)
        def run(case):
            self.examples[label] += 1
            case.call_and_validate(additional_checks=extra)

        try:
            run()
        except Unsatisfiable:
            # Nothing to make invalid: no parameters and no body (or only a fixed id).
            assert mode is GenerationMode.NEGATIVE, label
        except (Exception, BaseExceptionGroup) as failure:  # reported together, at the end
            self.failures.append(f"{label}:\n{failure}")


def _record_id(operation, seeded: dict[str, str]) -> dict | None:
    """The seeded id for an operation on one record (``/api/v1/<records>/{id}/...``)."""
    if "{id}" not in operation.path:
        return None
    for prefix, pk in seeded.items():
        if operation.path.startswith(prefix):
            return {"id": pk}
    return None


def exercise(schema, seeded: dict[str, str], run: Run) -> list[str]:
    """Every operation in both modes, then the stateful scenarios; the operations sent.

    The peer runs only the operations on one of the employee's records, with its id: the
    rest she would send as emma does (the same role, the same schema).
    """
    operations = [result.ok() for result in schema.get_all_operations()]
    sent = []
    for operation in operations:
        fixed = _record_id(operation, seeded)
        if run.peer and not fixed:
            continue
        sent.append(operation.label)
        for mode in MODES:
            if not run.peer:
                run.operation(operation, mode)
            if fixed:
                run.operation(operation, mode, fixed)
    if run.peer:
        return sent

    class Stateful(schema.as_state_machine()):
        def before_call(self, case):
            run.examples["stateful steps"] += 1

    try:
        Stateful.run(settings=settings(BUDGET, max_examples=STATEFUL, stateful_step_count=6))
    except (Exception, BaseExceptionGroup) as failure:  # reported with the others
        run.failures.append(f"stateful:\n{failure}")
    return sent


# emma logs the seeded records; eli is her peer (another employee), whose every request on
# them must fail (T11's object-level authorization check).
@pytest.mark.parametrize("persona", ["emma", "sam", "eli"])
@pytest.mark.usefixtures("db")
@pytest.mark.postgres
@on_postgresql
def test_every_operation_agrees_with_the_schema(persona, people):
    user = people[persona]
    schema = schemathesis.openapi.from_dict(served_schema(user), config=CONFIG)
    authenticate(schema, user)
    seeded = seeded_records(people["emma"])
    run = Run(peer=persona == "eli")
    with wsgi_app() as schema.app:
        operations = exercise(schema, seeded, run)

    assert not run.failures, "\n\n".join(run.failures)
    sent = {label.partition(" [")[0] for label, count in run.examples.items() if count}
    assert set(operations) <= sent, "operations never called"
    if persona == "eli":
        assert len(operations) > 40, "the peer reached too few of emma's records"
    else:
        assert run.examples["stateful steps"] > 0


# --- What the schema says about every record type, from the table -----------------------


@pytest.fixture(scope="module")
def generated():
    return SchemaGenerator().get_schema(request=None, public=True)


def _component(schema, ref_holder) -> dict:
    name = ref_holder["$ref"].rsplit("/", 1)[-1]
    return schema["components"]["schemas"][name]


def _record_paths(schema, record_type) -> dict:
    prefix = reverse(f"{record_type.model._meta.model_name}-list")
    return {path: ops for path, ops in schema["paths"].items() if path.startswith(prefix)}


@pytest.mark.parametrize("record_type", record_types(), ids=lambda rt: rt.label)
def test_each_transition_the_table_offers_the_api_is_documented_from_the_table(
    generated, record_type
):
    paths = _record_paths(generated, record_type)
    detail = reverse(f"{record_type.model._meta.model_name}-list") + "{id}/"
    offered = record_type.workflow.offered_in("api")
    for transition in record_type.workflow.transitions:
        path = f"{detail}{transition.slug}/"
        if transition not in offered:
            assert path not in paths, f"{transition.name} is opted out of the API"
            continue
        operation = paths[path]["post"]
        body = _component(
            generated, operation["requestBody"]["content"]["application/json"]["schema"]
        )
        inputs = {spec.name for spec in transition.all_inputs()}
        required = {spec.name for spec in transition.all_inputs() if spec.required}
        assert set(body["properties"]) == inputs | {"version"}, transition.name
        assert set(body.get("required", [])) == required, transition.name
        for status, codes in error_codes(transition).items():
            described = operation["responses"][str(status)]["description"]
            assert all(f"`{code}`" in described for code in codes), (transition.name, status)


@pytest.mark.parametrize("record_type", record_types(), ids=lambda rt: rt.label)
def test_record_endpoints_document_no_put_or_delete_and_patch_needs_a_version(
    generated, record_type
):
    paths = _record_paths(generated, record_type)
    assert paths
    for path, operations in paths.items():
        assert not {"put", "delete"} & set(operations), path
    patch = paths[reverse(f"{record_type.model._meta.model_name}-list") + "{id}/"]["patch"]
    body = _component(generated, patch["requestBody"]["content"]["application/json"]["schema"])
    for shape in body.get("oneOf", [body]):
        shape = _component(generated, shape) if "$ref" in shape else shape
        assert "version" in shape["required"]


def test_the_peer_check_refuses_a_success_and_lets_refusals_pass():
    case = SimpleNamespace(method="GET", formatted_path="/api/v1/incidents/1/")
    with pytest.raises(AssertionError, match="peer employee got 200"):
        peer_gets_nothing(None, SimpleNamespace(status_code=200), case)
    for status in (400, 404, 409):
        peer_gets_nothing(None, SimpleNamespace(status_code=status), case)
