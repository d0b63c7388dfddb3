"""A new incident gets its clocks from the first matching definition, at reported_at,
for the targets that definition has, in a number of queries that does not grow with the
number of definitions."""

from datetime import UTC, datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Category
from sla.models import Clock, Target
from tests.sla.support import at

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_first_matching_definition_starts_the_clocks(
    make_incident, always, office, define, service, category
):
    define("Inactive", always, order=1, is_active=False, resolution_target=1)
    define("P1 only", always, order=2, priorities=[1], resolution_target=2)
    define("Other service", always, order=3, services=[], severities=[1], resolution_target=3)
    wanted = define(
        "Email", office, order=4, services=[service], response_target=1, resolution_target=8
    )
    define("Catch-all", always, order=5, resolution_target=48)
    with at(T0):
        incident = make_incident(impact=2, urgency=2, category=category)
    clocks = {clock.target: clock for clock in Clock.objects.filter(incident=incident)}
    assert set(clocks) == {Target.RESPONSE, Target.RESOLUTION}
    assert {clock.definition for clock in clocks.values()} == {wanted}
    assert clocks[Target.RESPONSE].target_seconds == 3600
    assert clocks[Target.RESOLUTION].started_at == incident.reported_at == T0
    assert clocks[Target.RESOLUTION].history.get().history_change_reason == "Started"


def test_a_definition_without_a_response_target_starts_no_response_clock(
    make_incident, always, define
):
    define("Resolution only", always, resolution_target=8)
    with at(T0):
        incident = make_incident()
    assert list(Clock.objects.filter(incident=incident).values_list("target", flat=True)) == [
        Target.RESOLUTION
    ]


def test_no_matching_definition_no_clocks(make_incident, always, define):
    define("P1 only", always, priorities=[1], resolution_target=2)
    incident = make_incident(impact=3, urgency=3)
    assert not Clock.objects.filter(incident=incident).exists()
    incident.refresh_from_db()
    assert incident.made_sla is None


def test_a_category_matches_as_category_or_subcategory(
    make_incident, always, define, category, subcategory
):
    hardware = Category.objects.create(name="Hardware")
    define("Hardware", always, order=0, categories=[hardware], resolution_target=1)
    wanted = define("Mail client", always, order=1, categories=[subcategory], resolution_target=2)
    incident = make_incident(category=category, subcategory=subcategory)
    assert Clock.objects.get(incident=incident).definition == wanted
    other = make_incident(category=category)
    assert not Clock.objects.filter(incident=other).exists()


def _sla_queries(make_incident) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        make_incident(impact=2, urgency=2)
    return [q["sql"] for q in queries.captured_queries if '"sla_' in q["sql"]]


def test_starting_costs_the_same_queries_for_2_or_20_definitions(
    make_incident, always, office, define, service
):
    for index in range(2):
        define(
            f"D{index}",
            office,
            order=index,
            priorities=[1],
            services=[service],
            resolution_target=4,
        )
    define("Catch-all", office, order=99, response_target=1, resolution_target=8)
    few = _sla_queries(make_incident)
    for index in range(2, 20):
        define(
            f"D{index}",
            office,
            order=index,
            priorities=[1],
            services=[service],
            resolution_target=4,
        )
    many = _sla_queries(make_incident)
    assert len(many) == len(few) <= 8  # definitions (3), the calendar (2), the inserts


def test_a_note_costs_no_sla_query(make_incident, agent, always, define):
    define("Catch-all", always, resolution_target=8)
    incident = make_incident()
    with CaptureQueriesContext(connection) as queries:
        from incidents.workflow import incident_add_note

        incident_add_note(incident, by=agent, body="Looking.", internal=True)
    assert not [q for q in queries.captured_queries if '"sla_' in q["sql"]]
