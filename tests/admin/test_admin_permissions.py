"""Who may do what in the incident admin: agents work, managers also cancel and override,
plain users get no admin at all, and nobody deletes an incident."""

import pytest
from django.urls import reverse

from incidents.models import Status
from tests.admin.conftest import (
    audit_counts,
    change_url,
    changelist_url,
    client_for,
    messages_of,
    move_url,
)
from tests.factories import MOVE_INPUTS

pytestmark = pytest.mark.django_db


def offered_moves(client, incident) -> list[str]:
    return [button.move.name for button in client.get(change_url(incident)).context["move_buttons"]]


def offered_actions(client) -> list[str]:
    form = client.get(changelist_url()).context["action_form"]
    return [name for name, _label in form.fields["action"].choices if name]


def test_an_agent_may_not_cancel(agent_client, incident):
    before = audit_counts(incident)

    response = agent_client.post(move_url(incident, "cancel"), MOVE_INPUTS["cancel"])

    assert "cancel" not in offered_moves(agent_client, incident)
    assert f"{incident.number}: You may not cancel {incident.number}." in messages_of(response)
    assert audit_counts(incident) == before
    assert "cancel_selected" not in offered_actions(agent_client)


def test_an_agent_cannot_bulk_cancel_by_posting_the_action(agent_client, incident):
    before = audit_counts(incident)

    response = agent_client.post(
        changelist_url(),
        {
            "action": "cancel_selected",
            "_selected_action": [incident.pk],
            "apply": "1",
            "reason": "Sneaky",
        },
    )

    assert response.status_code == 302
    assert "No action selected." in messages_of(response)  # not among the agent's choices
    assert audit_counts(incident) == before


def test_a_manager_may_cancel(manager_client, manager, incident):
    assert "cancel" in offered_moves(manager_client, incident)
    assert "cancel_selected" in offered_actions(manager_client)

    response = manager_client.post(move_url(incident, "cancel"), {"reason": "Duplicate"})

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == Status.CANCELED
    assert incident.history.latest("history_id").history_user == manager


def test_only_a_manager_may_override_the_priority(agent_client, manager_client, incident):
    url = reverse("admin:incidents_incident_priority", args=[incident.pk])
    assert agent_client.get(change_url(incident)).context["override_url"] is None
    assert manager_client.get(change_url(incident)).context["override_url"] == url

    refused = agent_client.post(url, {"priority": "1", "reason": "VIP"})
    incident.refresh_from_db()
    assert incident.priority == 3
    assert f"{incident.number}: you may not override its priority." in messages_of(refused)

    response = manager_client.post(url, {"priority": "1", "reason": "The CEO's laptop"})

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.priority == 1 and incident.priority_override_reason == "The CEO's laptop"
    assert incident.timeline.filter(verb="priority").exists()
    # (then declared a major incident by the system, a P1: its own history row)
    assert incident.history.filter(history_change_reason__startswith="Priority override").exists()


def test_an_override_needs_a_reason(manager_client, incident):
    url = reverse("admin:incidents_incident_priority", args=[incident.pk])
    before = audit_counts(incident)

    response = manager_client.post(url, {"priority": "1", "reason": ""})

    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert audit_counts(incident) == before


@pytest.mark.parametrize("who", ["caller", "stranger"])
def test_plain_users_are_sent_to_the_login_page(request, incident, who):
    client = client_for(request.getfixturevalue(who))
    login = reverse("admin:login")

    for url in (changelist_url(), change_url(incident), move_url(incident, "acknowledge")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(login), url

    client.post(move_url(incident, "acknowledge"), {})
    incident.refresh_from_db()
    assert incident.status == Status.NEW


def test_nobody_deletes_an_incident(manager_client, incident):
    assert "delete_selected" not in offered_actions(manager_client)
    delete = reverse("admin:incidents_incident_delete", args=[incident.pk])

    assert manager_client.post(delete, {"post": "yes"}).status_code == 403
    assert incident.__class__.objects.filter(pk=incident.pk).exists()


def test_history_cannot_be_reverted(manager_client, incident):
    version = incident.history.earliest("history_id")
    url = reverse("admin:incidents_incident_simple_history", args=[incident.pk, version.pk])

    assert manager_client.get(url).status_code == 200
    assert manager_client.post(url, {"title": "Rewritten"}).status_code == 403
