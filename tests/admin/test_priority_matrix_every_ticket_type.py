"""The priority matrix's "apply" button re-prioritises the open tickets of every type, not
only incidents: problems and changes too, each through its own workflow (history row and
"priority" timeline event), and leaves finished ones alone."""

import pytest
from django.urls import reverse

from changes.models import Status as ChangeStatus
from kernel.models import PriorityCell, Ticket
from kernel.priority import recalculated_models, ticket_models
from problems.models import Status as ProblemStatus
from tests.admin.conftest import messages_of

pytestmark = pytest.mark.django_db


def audit(ticket: Ticket) -> tuple[int, int, int]:
    """(priority, history rows, timeline entries) as stored."""
    ticket.refresh_from_db()
    return ticket.priority, ticket.history.count(), ticket.timeline.count()  # type: ignore[attr-defined]


def test_every_ticket_type_is_re_prioritised(manager_client, manager, problem_in, change_in):
    open_problem = problem_in(ProblemStatus.ROOT_CAUSE_ANALYSIS, impact=2, urgency=2)
    closed_problem = problem_in(ProblemStatus.CLOSED, impact=2, urgency=2)
    open_change = change_in(ChangeStatus.ASSESS, impact=2, urgency=2)
    before = {ticket: audit(ticket) for ticket in (open_problem, closed_problem, open_change)}
    assert before[open_problem][0] == before[open_change][0] == 3
    cell = PriorityCell.objects.get(impact=2, urgency=2)
    manager_client.post(
        reverse("admin:kernel_prioritycell_change", args=[cell.pk]), {"priority": 1}
    )

    response = manager_client.post(reverse("admin:kernel_prioritycell_apply"))

    assert response.status_code == 302
    shown = messages_of(response)
    assert "Matrix applied to open problems: 1 changed priority." in shown
    assert "Matrix applied to open changes: 1 changed priority." in shown
    for ticket in (open_problem, open_change):
        _, history, timeline = before[ticket]
        assert audit(ticket) == (1, history + 1, timeline + 1)
        event = ticket.timeline.latest("id")
        assert (event.verb, event.author, event.data) == ("priority", manager, {"from": 3, "to": 1})
        latest = ticket.history.latest("history_id")
        assert (latest.history_user, latest.history_change_reason) == (
            manager,
            "Priority matrix changed",
        )
    assert audit(closed_problem) == before[closed_problem]


def test_the_button_names_every_ticket_type(manager_client):
    response = manager_client.get(reverse("admin:kernel_prioritycell_changelist"))

    assert response.context["appliers"] == [
        "open incidents",
        "open problems",
        "open changes",
        "open postmortems",
    ]


def test_every_installed_ticket_type_registered_its_recalculation():
    # A new ticket type that forgets its wiring would silently keep stale priorities.
    assert recalculated_models() == ticket_models()
    assert len(ticket_models()) == 4
