"""Every refusal is JSON with a stable code and the right status, and writes nothing."""

import pytest

from incidents.models import Incident, Status
from tests.api.conftest import url
from tests.conftest import api_for

pytestmark = pytest.mark.django_db


def counts(incident: Incident) -> tuple[int, int]:
    return incident.history.count(), incident.timeline.count()


def test_resolve_without_notes_is_400_and_saves_nothing(agent_api, incident):
    before = counts(incident)
    response = agent_api.post(
        url(incident, "resolve"), {"resolution_code": "solution_provided"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "resolution_notes" in body["errors"]
    incident.refresh_from_db()
    assert incident.status == Status.NEW and counts(incident) == before


def test_blank_notes_are_missing_notes(agent_api, incident):
    response = agent_api.post(
        url(incident, "resolve"),
        {"resolution_code": "solution_provided", "resolution_notes": "   "},
        format="json",
    )
    assert response.status_code == 400 and "resolution_notes" in response.json()["errors"]


def test_invalid_choice_is_400(agent_api, incident):
    response = agent_api.post(url(incident, "hold"), {"hold_reason": "lunch"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "hold_reason" in response.json()["errors"]


def test_unknown_input_is_400(agent_api, incident):
    response = agent_api.post(url(incident, "acknowledge"), {"note": "hi"}, format="json")
    assert response.status_code == 400 and "note" in response.json()["errors"]


def test_unknown_number_is_404(agent_api, db):
    for path in ("", "timeline", "comments", "resolve"):
        method = agent_api.post if path == "resolve" else agent_api.get
        response = method(url("INC9999999", path), {}, format="json")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_unknown_move_is_404(agent_api, incident):
    response = agent_api.post(url(incident, "escalate"), {}, format="json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_unauthenticated_is_401(incident):
    client = api_for(None)
    for response in (
        client.get("/api/v1/incidents/"),
        client.get(url(incident)),
        client.post(url(incident, "acknowledge"), {}, format="json"),
    ):
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_only_managers_cancel(agent_api, manager_api, incident):
    before = counts(incident)
    response = agent_api.post(url(incident, "cancel"), {"reason": "Duplicate"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert counts(incident) == before

    response = manager_api.post(url(incident, "cancel"), {"reason": "Duplicate"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == Status.CANCELED


def test_caller_may_not_make_agent_moves(caller_api, incident):
    response = caller_api.post(url(incident, "acknowledge"), {}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_bad_json_is_400(agent_api, incident):
    response = agent_api.post(
        url(incident, "hold"), data='{"hold_reason": ', content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_json"


def test_patch_status_or_priority_is_refused(agent_api, incident):
    before = counts(incident)
    response = agent_api.patch(url(incident), {"status": 7, "priority": 1}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "priority"}
    incident.refresh_from_db()
    assert incident.status == Status.NEW and incident.priority == 3
    assert counts(incident) == before


def test_put_and_delete_are_405(agent_api, incident):
    assert agent_api.put(url(incident), {"title": "x"}, format="json").status_code == 405
    response = agent_api.delete(url(incident))
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_closed_incident_cannot_be_edited(agent_api, incident_in):
    incident = incident_in(Status.CLOSED)
    response = agent_api.patch(url(incident), {"title": "Renamed"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "move_not_allowed"


def test_override_priority_needs_a_manager_and_a_reason(agent_api, manager_api, incident):
    body = {"priority": 1, "reason": "CEO's laptop"}
    assert (
        agent_api.post(url(incident, "override-priority"), body, format="json").status_code == 403
    )
    missing = manager_api.post(url(incident, "override-priority"), {"priority": 1}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["errors"]

    response = manager_api.post(url(incident, "override-priority"), body, format="json")
    assert response.status_code == 200
    assert response.json()["priority"] == 1
    assert response.json()["priority_override_reason"] == "CEO's laptop"
    back = manager_api.post(
        url(incident, "override-priority"), {"priority": None, "reason": "Back"}, format="json"
    )
    assert back.json()["priority"] == 3 and back.json()["priority_override_reason"] == ""
