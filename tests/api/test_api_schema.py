"""The OpenAPI document is valid, generated without warnings, and documents every move."""

import copy

import pytest
import yaml
from django.core.management import call_command
from openapi_spec_validator import validate

from incidents.models import Incident
from tests.factories import declared_inputs

pytestmark = pytest.mark.django_db

ERRORS = {"400", "401", "403", "404", "409"}


@pytest.fixture(scope="module")
def served() -> dict:
    """The document as first served in this module: generating it takes seconds, and it
    is the same for every agent (it reads no data), so the tests here share one copy."""
    return {}


@pytest.fixture
def schema(agent_api, served) -> dict:
    if "schema" not in served:
        response = agent_api.get("/api/schema/")
        assert response.status_code == 200
        served["schema"] = yaml.safe_load(response.content)
    return copy.deepcopy(served["schema"])


def test_schema_is_valid_openapi(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")


def test_generation_has_no_warnings(tmp_path):
    # --fail-on-warn turns any drf-spectacular warning (an undocumented field, a guessed
    # type) into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))


def test_every_move_is_a_documented_post(schema):
    for move in Incident.moves:
        operation = schema["paths"][f"/api/v1/incidents/{{number}}/{move.name}/"]["post"]
        assert operation["summary"] == move.label
        assert set(operation["responses"]) >= ERRORS
        for code in ERRORS:
            content = operation["responses"][code]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Error"}
        body = operation.get("requestBody")
        declared = declared_inputs(move.name)
        if declared:
            properties = schema["components"]["schemas"][
                body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
            ]
            assert set(properties["properties"]) == {spec.name for spec in declared}
            assert set(properties.get("required", [])) == {
                spec.name for spec in declared if spec.required
            }
        else:
            assert body is None


def test_error_component(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "message", "errors"}
    assert set(error["required"]) == {"code", "message"}


def test_other_endpoints_are_documented(schema):
    paths = schema["paths"]
    for path in ("comments", "work-notes", "timeline", "history", "override-priority"):
        assert f"/api/v1/incidents/{{number}}/{path}/" in paths
    assert set(paths["/api/v1/incidents/{number}/"]) == {"get", "patch"}
    assert "/api/v1/services/" in paths and "/api/v1/categories/" in paths


def test_swagger_ui_is_served(agent_api):
    assert agent_api.get("/api/docs/").status_code == 200


def test_every_operation_documents_the_errors_any_request_may_meet(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            documented = set(operation["responses"])
            expected = {"401", "403", "429", "503"}
            if "{" in path:
                expected.add("404")
            if method in ("post", "patch"):
                expected |= {"400", "413", "415"}
            assert documented >= expected, (method, path, expected - documented)
            for code in documented - {"200", "201", "202", "204"}:
                content = operation["responses"][code]["content"]["application/json"]
                assert content["schema"] == {"$ref": "#/components/schemas/Error"}, (path, code)
            body = operation.get("requestBody")
            if body:
                assert set(body["content"]) == {"application/json"}, path


def test_request_bodies_refuse_fields_they_do_not_take(schema):
    requests = [name for name in schema["components"]["schemas"] if name.endswith("Request")]
    assert requests
    for name in requests:
        assert schema["components"]["schemas"][name]["additionalProperties"] is False, name


def test_the_oncall_answer_is_one_object(schema):
    operation = schema["paths"]["/api/v1/teams/{team_id}/oncall/"]["get"]
    content = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert content == {"$ref": "#/components/schemas/TeamOnCall"}
