"""A calendar edit moves the deadlines of the clocks counting on it: a holiday added
later (by hand in the admin, imported or generated) or changed working hours must not
leave a breach told on the old deadline for an incident that then makes its SLA."""

from datetime import UTC, datetime

import pytest

from sla.alarms import fire_due
from sla.holidays import holidays_import_ical
from sla.models import Clock, Target
from sla.recalculation import clocks_recalculate
from tests.sla.support import at, clock_of, move
from tests.sla.test_calendar_admin import inline

MON9 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # Monday 09:00 in Berlin
TUE17 = datetime(2026, 3, 3, 16, 0, tzinfo=UTC)
WED17 = datetime(2026, 3, 4, 16, 0, tzinfo=UTC)
TUESDAY_ICS = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:tuesday@test
DTSTART;VALUE=DATE:20260303
DTEND;VALUE=DATE:20260304
SUMMARY:Added later
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def incident_due_tuesday(make_incident, office, define):
    """16 business hours on the Berlin office: logged Monday 09:00, due Tuesday 17:00."""
    define("Office", office, resolution_target=16)
    with at(MON9):
        incident = make_incident()
    assert clock_of(incident, Target.RESOLUTION).breach_at == TUE17
    return incident


def test_an_imported_holiday_moves_the_deadline_and_no_breach_is_told(
    incident_due_tuesday, office, manager, agent
):
    holidays_import_ical(office, TUESDAY_ICS, years=range(2026, 2027), by=manager)

    clock = clock_of(incident_due_tuesday, Target.RESOLUTION)
    assert clock.breach_at == WED17
    history = clock.history.first()
    assert history.history_user == manager
    assert history.history_change_reason == "Calendar 'Berlin office' changed"
    assert fire_due(datetime(2026, 3, 3, 16, 1, tzinfo=UTC)) == 0
    move(
        incident_due_tuesday, "resolve", datetime(2026, 3, 4, 9, 0, tzinfo=UTC), agent,
        resolution_code="solution_provided", resolution_notes="done",
    )  # fmt: skip
    clock = Clock.objects.get(pk=clock.pk)
    assert (clock.made_sla, clock.breached_at) == (True, None)


def test_a_holiday_added_in_the_admin_moves_the_deadline(
    incident_due_tuesday, office, client, manager
):
    client.force_login(manager)
    periods = [
        {"id": str(p.pk), "calendar": str(office.pk), "weekday": str(p.weekday),
         "start": "09:00", "end": "17:00"}
        for p in office.periods.order_by("weekday")
    ]  # fmt: skip
    data = {
        "name": office.name,
        "time_zone": office.time_zone,
        "business_day": "08:00:00",
        **inline("periods", periods, initial=5),
        **inline("holidays", [{"date": "2026-03-03", "name": "Added later"}]),
    }
    response = client.post(f"/admin/sla/calendar/{office.pk}/change/", data)

    assert response.status_code == 302
    assert clock_of(incident_due_tuesday, Target.RESOLUTION).breach_at == WED17


def test_clocks_on_other_calendars_and_stopped_clocks_keep_their_times(
    incident_due_tuesday, make_incident, office, always, define, manager, agent
):
    define("24x7", always, order=1, severities=[2], resolution_target=4)
    with at(MON9):
        other = make_incident(severity=2)
    resolved = move(
        other, "resolve", datetime(2026, 3, 2, 9, 0, tzinfo=UTC), agent,
        resolution_code="solution_provided", resolution_notes="done",
    )  # fmt: skip
    before = clock_of(resolved, Target.RESOLUTION).history.count()

    holidays_import_ical(office, TUESDAY_ICS, years=range(2026, 2027), by=manager)

    assert clock_of(resolved, Target.RESOLUTION).history.count() == before


def test_finding_the_clocks_costs_the_same_for_one_or_many(
    make_incident, office, define, django_assert_num_queries
):
    define("Office", office, resolution_target=16)
    with at(MON9):
        for _ in range(6):
            make_incident()
    # Nothing moved: the calendar (3 queries) and one query for all six clocks, no saves.
    with django_assert_num_queries(4):
        assert clocks_recalculate(office, by=None) == 0
