"""The priority matrix in the admin: managers edit cells, new incidents follow, and the
"apply" button re-prioritises open incidents through the workflow."""

import pytest
from django.urls import reverse

from incidents.models import Status
from kernel.models import PriorityCell
from tests.admin.conftest import audit_counts, messages_of

pytestmark = pytest.mark.django_db

APPLY = "admin:kernel_prioritycell_apply"


@pytest.fixture
def cell():
    return PriorityCell.objects.get(impact=2, urgency=2)  # P3 by default


def change_cell(client, cell, priority):
    return client.post(
        reverse("admin:kernel_prioritycell_change", args=[cell.pk]), {"priority": priority}
    )


def test_the_matrix_is_shown_as_a_grid(agent_client):
    response = agent_client.get(reverse("admin:kernel_prioritycell_changelist"))

    grid = response.context["grid"]
    assert [impact for impact, _ in grid] == ["1 - High", "2 - Medium", "3 - Low"]
    assert "1 - Critical" in grid[0][1][0] and "5 - Planning" in grid[2][1][2]
    assert response.context["can_apply"] is False  # agents only look


def test_a_manager_edits_a_cell_and_new_incidents_follow(
    manager_client, manager, cell, make_incident
):
    response = change_cell(manager_client, cell, 2)

    assert response.status_code == 302
    cell.refresh_from_db()
    assert cell.priority == 2
    assert cell.history.latest("history_id").history_user == manager
    assert make_incident(impact=2, urgency=2).priority == 2


def test_a_manager_edits_cells_in_the_list(manager_client, cell):
    cells = list(PriorityCell.objects.order_by("impact", "urgency"))
    data = {
        "form-TOTAL_FORMS": len(cells),
        "form-INITIAL_FORMS": len(cells),
        "_save": "Save",
    }
    for i, each in enumerate(cells):
        data[f"form-{i}-id"] = each.pk
        data[f"form-{i}-priority"] = 1 if each.pk == cell.pk else each.priority

    response = manager_client.post(reverse("admin:kernel_prioritycell_changelist"), data)

    assert response.status_code == 302
    cell.refresh_from_db()
    assert cell.priority == 1
    assert PriorityCell.objects.filter(priority=1).count() == 2


def test_an_agent_cannot_edit_the_matrix(agent_client, cell):
    assert change_cell(agent_client, cell, 1).status_code == 403
    assert agent_client.post(reverse(APPLY)).status_code == 403
    cell.refresh_from_db()
    assert cell.priority == 3


def test_apply_recalculates_open_incidents_but_not_overridden_ones(
    manager_client, manager, cell, incident_in, service
):
    from incidents.workflow import incident_override_priority

    # Raised to P1, an incident is declared a major incident unless its service says never
    # (tests/incidents/test_major_declare.py): here only the matrix's own rows count.
    service.auto_declare_major = "never"
    service.save()
    open_one = incident_in(Status.IN_PROGRESS)
    overridden = incident_override_priority(
        incident_in(Status.NEW), by=manager, priority=4, reason="Only a test system"
    )
    resolved = incident_in(Status.RESOLVED)
    overridden_before, resolved_before = audit_counts(overridden), audit_counts(resolved)
    _, history, timeline = audit_counts(open_one)
    change_cell(manager_client, cell, 1)

    response = manager_client.post(reverse(APPLY))

    assert response.status_code == 302
    assert "Matrix applied to open incidents: 1 changed priority." in messages_of(response)
    assert audit_counts(open_one) == (Status.IN_PROGRESS, history + 1, timeline + 1)
    assert open_one.priority == 1
    event = open_one.timeline.latest("id")
    assert (event.verb, event.author, event.data) == ("priority", manager, {"from": 3, "to": 1})
    latest = open_one.history.latest("history_id")
    assert (latest.history_user, latest.history_change_reason) == (
        manager,
        "Priority matrix changed",
    )
    assert audit_counts(overridden) == overridden_before and overridden.priority == 4
    assert audit_counts(resolved) == resolved_before and resolved.priority == 3


def test_apply_is_a_post(manager_client):
    assert manager_client.get(reverse(APPLY)).status_code == 405
