"""Source problem and change ids become problem and change records (numbered ours, titled
with the source's id), found again by later runs; the incident is linked to its problem,
and to the change that caused it, with the events such links write on both timelines."""

import pytest

from changes.models import Change, ChangeIncident
from imports.engine import import_incidents
from imports.models import ImportedIncident
from incidents.models import Incident
from problems.models import Problem, ProblemIncident
from tests.imports.cases import OPTIONS, ListFormat, at, closed_case

pytestmark = pytest.mark.django_db


def test_problems_changes_and_the_causing_change_are_linked():
    summary = import_incidents(
        ListFormat(
            [
                closed_case(
                    "INC0700001", problems=("Problem ID 7", "Problem ID 8"), changes=("CHG 1",)
                ),
                closed_case("INC0700002", problems=("Problem ID 7",), caused_by="CHG 2"),
            ]
        ),
        [],
        options=OPTIONS,
    )
    assert (summary.lookups_created["problems"], summary.lookups_created["changes"]) == (2, 2)
    seven = Problem.objects.get(title="Test list problem Problem ID 7")
    assert seven.number.startswith("PRB") and seven.timeline.filter(verb="created").exists()
    assert set(ProblemIncident.objects.values_list("problem__title", "incident__number")) == {
        ("Test list problem Problem ID 7", "INC0700001"),
        ("Test list problem Problem ID 7", "INC0700002"),
    }
    first = Incident.objects.get(number="INC0700001")
    linked = first.timeline.get(verb="problem_linked")
    assert (linked.data, linked.created_at) == ({"problem": seven.number}, at(120))
    assert seven.timeline.filter(verb="incident_linked", data__incident="INC0700001").exists()
    links = ImportedIncident.objects.get(incident=first).links
    assert set(links["problems"]) == {"Problem ID 7", "Problem ID 8"}
    assert links["changes"]["CHG 1"].startswith("CHG")

    cause = Change.objects.get(title="Test list change CHG 2")
    second = Incident.objects.get(number="INC0700002")
    assert ChangeIncident.objects.get(incident=second).change == cause
    event = second.timeline.get(verb="caused_by_change")
    assert (event.data, event.created_at) == ({"change": cause.number}, at(120))
    assert cause.timeline.get(verb="caused_incident").data == {"incident": "INC0700002"}

    # A later run finds them again instead of making new ones.
    again = import_incidents(
        ListFormat([closed_case("INC0700003", problems=("Problem ID 8",), caused_by="CHG 2")]),
        [],
        options=OPTIONS,
    )
    assert "problems" not in again.lookups_created and "changes" not in again.lookups_created
    assert Problem.objects.count() == 2 and Change.objects.count() == 2
