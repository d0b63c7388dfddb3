"""An import replays the past: it pages and mails nobody, and finished incidents get no
SLA clocks (the source's own made_sla is kept); open ones get theirs rebuilt."""

import pytest

from imports.engine import import_incidents
from incidents.models import Incident, Status
from notifications.models import Notification
from sla.models import Calendar, Clock, SlaDefinition
from tests.imports.cases import OPTIONS, ListFormat, case, closed_case, update

pytestmark = pytest.mark.django_db


def test_nobody_is_told_and_only_open_incidents_get_clocks():
    always = Calendar.objects.create(name="24x7", always_on=True)
    SlaDefinition.objects.create(name="All", calendar=always, resolution_target=8)
    open_case = case(
        "INC0600002",
        update(0, 0, Status.NEW, caller="Caller 9", impact=1, urgency=1, priority=1,
               assignment_group="Group 1"),
    )  # fmt: skip
    import_incidents(
        ListFormat([closed_case("INC0600001", made_sla=False), open_case]), [], options=OPTIONS
    )
    assert Notification.objects.count() == 0
    closed = Incident.objects.get(number="INC0600001")
    assert closed.made_sla is False
    assert not Clock.objects.filter(incident=closed).exists()
    assert Clock.objects.filter(incident__number="INC0600002").exists()
