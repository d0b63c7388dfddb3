"""Priority as recorded: where the matrix gives another, the incident keeps the source's
with the reason "imported", and the summary counts such incidents per impact x urgency."""

import pytest

from imports.engine import import_incidents
from incidents.models import Incident, Status
from tests.imports.cases import OPTIONS, ListFormat, case, update

pytestmark = pytest.mark.django_db


def test_a_recorded_priority_the_matrix_disagrees_with_is_kept_as_imported():
    summary = import_incidents(
        ListFormat(
            [
                case("INC0200001", update(0, 0, Status.NEW, impact=3, urgency=3, priority=4)),
                case("INC0200002", update(0, 0, Status.NEW, impact=3, urgency=3, priority=4)),
                case("INC0200003", update(0, 0, Status.NEW, impact=2, urgency=2, priority=3)),
                # Disagrees first, then agrees after an edit: counted, and it ends agreeing.
                case(
                    "INC0200004",
                    update(0, 0, Status.NEW, impact=1, urgency=1, priority=2),
                    update(1, 1, Status.NEW, priority=1),
                ),
            ]
        ),
        [],
        options=OPTIONS,
    )
    assert summary.priority_disagreements == {(3, 3): 2, (1, 1): 1}
    kept = {i.number: (i.priority, i.priority_override_reason) for i in Incident.objects.all()}
    assert kept == {
        "INC0200001": (4, "imported"),
        "INC0200002": (4, "imported"),
        "INC0200003": (3, ""),
        "INC0200004": (1, ""),
    }
    history = Incident.objects.get(number="INC0200004").history.order_by("history_date")
    assert [(h.priority, h.priority_override_reason) for h in history] == [(2, "imported"), (1, "")]


def test_without_a_recorded_priority_the_matrix_gives_it():
    import_incidents(
        ListFormat([case("INC0200005", update(0, 0, Status.NEW, impact=1, urgency=2))]),
        [],
        options=OPTIONS,
    )
    incident = Incident.objects.get(number="INC0200005")
    assert (incident.priority, incident.priority_override_reason) == (2, "")
