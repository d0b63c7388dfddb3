"""Each source update becomes one history row and one timeline entry at its own time, by
its own person; milestones and counters come out as our workflow would have stamped them
(common.md's replay rules)."""

import pytest

from accounts.models import User
from imports.engine import import_incidents
from imports.lookups import username_for
from incidents.models import Incident, Status
from tests.imports.cases import OPTIONS, ListFormat, at, case, closed_case, update

pytestmark = pytest.mark.django_db


def run(*items):
    return import_incidents(ListFormat(items), [], options=OPTIONS)


def test_every_update_is_a_history_row_and_a_timeline_entry_at_its_time_by_its_user():
    summary = run(closed_case("INC0100001", opened_at=at(-5)))
    assert (summary.created, summary.rows, summary.updates_imported) == (1, 4, 4)
    assert summary.accounted()
    incident = Incident.objects.get(number="INC0100001")
    history = list(incident.history.order_by("history_date", "history_id"))
    assert [h.history_date for h in history] == [at(0), at(10), at(60), at(120)]
    assert [h.history_type for h in history] == ["+", "~", "~", "~"]
    assert [h.status for h in history] == [1, 2, 6, 7]
    assert [h.history_user.first_name for h in history] == [
        "Agent 1", "Agent 1", "Resolver 1", "Resolver 1",
    ]  # fmt: skip
    assert history[2].history_change_reason == "Imported from testlist, line 4"
    timeline = list(incident.timeline.order_by("created_at", "id"))
    assert [e.verb for e in timeline] == ["created", "acknowledge", "resolve", "close"]
    assert [e.created_at for e in timeline] == [at(0), at(10), at(60), at(120)]
    assert [e.author.first_name for e in timeline] == [
        "Agent 1", "Agent 1", "Resolver 1", "Resolver 1",
    ]  # fmt: skip
    assert timeline[2].data == {
        "source": "testlist", "line": 4, "sequence": 2, "from": 2, "to": 6,
        "fields": ["resolution_code"],
    }  # fmt: skip
    # The source's times, not the import's: reported, created, last updated.
    assert (incident.reported_at, incident.created_at, incident.updated_at) == (
        at(-5),
        at(-5),
        at(120),
    )


def test_milestones_come_from_the_updates_that_changed_the_state():
    run(closed_case("INC0100002"))
    incident = Incident.objects.get(number="INC0100002")
    assert (incident.acknowledged_at, incident.resolved_at, incident.closed_at) == (
        at(10), at(60), at(120),
    )  # fmt: skip
    assert (incident.status, incident.resolution_code, incident.close_code) == (
        Status.CLOSED, "solution_provided", "closed_by_agent",
    )  # fmt: skip


def test_a_reopen_clears_the_resolution_and_counts_and_a_reassignment_counts_once_set():
    run(
        case(
            "INC0100003",
            update(0, 0, Status.NEW, assignment_group="Group 1"),  # a first assignment
            update(1, 5, Status.IN_PROGRESS, assigned_to="Resolver 1"),  # in the group: no
            update(2, 30, Status.RESOLVED),
            update(3, 40, Status.IN_PROGRESS, note="still broken"),  # reopened
            update(4, 50, Status.ON_HOLD, hold_reason="awaiting_caller"),
            update(5, 60, Status.IN_PROGRESS, assignment_group="Group 2"),  # reassigned
            update(6, 70, Status.CLOSED),  # closed, never resolved again
            counters={"reassignments": 1, "reopens": 1},
        )
    )
    incident = Incident.objects.get(number="INC0100003")
    verbs = list(incident.timeline.order_by("created_at").values_list("verb", flat=True))
    assert verbs == ["created", "acknowledge", "resolve", "reopen", "hold", "resume", "close"]
    assert (incident.reopen_count, incident.reassignment_count) == (1, 1)
    assert incident.resolved_at is None  # closed without being resolved after the reopen
    assert (incident.acknowledged_at, incident.closed_at) == (at(5), at(70))
    reopen = incident.timeline.get(verb="reopen")
    assert reopen.body == "still broken"
    hold = incident.timeline.get(verb="hold")
    assert hold.data["hold_reason"] == "awaiting_caller"


def test_an_update_of_a_column_we_do_not_keep_is_an_updated_event_with_no_fields():
    run(case("INC0100004", update(0, 0, Status.NEW), update(1, 3, Status.NEW)))
    entry = Incident.objects.get(number="INC0100004").timeline.get(verb="updated")
    assert entry.data["fields"] == []


def test_counters_that_disagree_with_the_source_are_reported():
    # The group is set first; naming the assignee within it is no reassignment, as in
    # kernel.editing.is_reassignment.
    summary = run(closed_case("INC0100005", counters={"reassignments": 3, "reopens": 0}))
    assert summary.counter_mismatches == [("INC0100005", "reassignments", 3, 0)]


def test_people_are_users_without_a_usable_password_named_after_their_source_id():
    run(closed_case("INC0100006"))
    user = User.objects.get(username=username_for("testlist", "Resolver 1"))
    assert user.username.startswith("testlist.resolver-1.")
    assert str(user) == "Resolver 1"
    assert not user.has_usable_password() and not user.is_staff
    incident = Incident.objects.get(number="INC0100006")
    assert incident.assigned_to == user
    assert incident.assignment_group.members.filter(pk=user.pk).exists()
    assert (incident.category.name, incident.subcategory.name) == ("Category 1", "Sub 1")
    assert incident.subcategory.parent == incident.category


def test_names_longer_than_ours_are_cut_not_refused():
    long = "Category " + "x" * 150
    run(case("INC0100007", update(0, 0, Status.NEW, category=long, subcategory=long,
                                  assignment_group=long, location=long)))  # fmt: skip
    incident = Incident.objects.get(number="INC0100007")
    assert incident.category.name == long[:100] == incident.subcategory.name
    assert incident.assignment_group.name == long[:100] == incident.location.name
