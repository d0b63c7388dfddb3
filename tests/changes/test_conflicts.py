"""Conflict detection before scheduling: an overlapping change on the same service or a
blackout covering the window blocks it; a manager may override with a reason; touching
windows and other services do not conflict."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import Service
from changes.conflicts import ScheduleConflict, conflicts_for
from changes.models import BlackoutWindow, Status
from changes.workflow import change_move
from kernel.errors import MoveForbidden

pytestmark = pytest.mark.django_db

T0 = timezone.now().replace(microsecond=0) + timedelta(days=3)


def window(start_hours: float, hours: float = 2) -> dict:
    start = T0 + timedelta(hours=start_hours)
    return {"planned_start": start, "planned_end": start + timedelta(hours=hours)}


@pytest.fixture
def booked(change_in):
    return change_in(Status.SCHEDULED, type="standard", **window(0))


def unchanged(change, status=Status.NEW):
    change.refresh_from_db()
    return change.status == status and not change.timeline.filter(verb="schedule").exists()


def test_overlap_on_the_same_service_blocks(booked, make_change, agent):
    change = make_change(type="standard", **window(1))
    with pytest.raises(ScheduleConflict, match=booked.number) as refusal:
        change_move(change, "schedule", by=agent)
    assert refusal.value.code == "schedule_conflict" and refusal.value.http_status == 409
    assert unchanged(change)


@pytest.mark.parametrize("per_service", [True, False])
def test_a_blackout_covering_it_blocks(make_change, agent, service, per_service):
    BlackoutWindow.objects.create(
        name="Year-end freeze",
        service=service if per_service else None,
        start=T0 - timedelta(days=1),
        end=T0 + timedelta(days=1),
    )
    change = make_change(type="standard", **window(2))
    with pytest.raises(ScheduleConflict, match="Year-end freeze"):
        change_move(change, "schedule", by=agent)
    assert unchanged(change)


def test_touching_windows_and_other_services_do_not_conflict(booked, make_change, team, agent):
    BlackoutWindow.objects.create(
        name="Before", start=T0 - timedelta(hours=5), end=T0 - timedelta(hours=2)
    )
    other_service = Service.objects.create(name="Wiki", owner_team=team)
    BlackoutWindow.objects.create(
        name="Wiki freeze", service=other_service, start=T0, end=T0 + timedelta(days=1)
    )
    after = make_change(type="standard", **window(2))  # starts when the booked one ends
    before = make_change(type="standard", **window(-2))  # ends when the booked one starts
    elsewhere = make_change(type="standard", services=[other_service], **window(-10))
    same_time_elsewhere = make_change(
        type="standard", services=[Service.objects.create(name="CRM", owner_team=team)], **window(0)
    )
    for change in (after, before, elsewhere, same_time_elsewhere):
        assert conflicts_for(change) == []
        assert change_move(change, "schedule", by=agent).status == Status.SCHEDULED


def test_override_needs_a_manager_and_a_reason(booked, make_change, agent, manager):
    change = make_change(type="standard", **window(1))
    with pytest.raises(MoveForbidden, match="managers"):
        change_move(change, "schedule", by=agent, override_reason="Urgent")
    assert unchanged(change)
    with pytest.raises(ScheduleConflict):
        change_move(change, "schedule", by=manager, override_reason="  ")
    assert unchanged(change)
    change = change_move(change, "schedule", by=manager, override_reason="Vendor deadline")
    assert change.status == Status.SCHEDULED
    assert change.conflict_override_reason == "Vendor deadline"
    event = change.timeline.get(verb="schedule")
    assert booked.number in event.data["conflicts_overridden"][0]
    assert change.history.first().history_change_reason == "Vendor deadline"


def test_canceled_or_closed_changes_do_not_book_the_window(change_in, make_change, agent):
    change_in(Status.CLOSED, type="standard", **window(0))
    change_in(Status.CANCELED, type="standard", **window(0))
    assert conflicts_for(make_change(type="standard", **window(0))) == []
