"""The default calendars and definitions (for a new desk and the demo): ITIL's targets by
priority, created once, and incidents get clocks from them at once."""

from datetime import UTC, datetime, timedelta

from sla.defaults import sla_defaults_create
from sla.models import Calendar, Clock, SlaDefinition, Target
from tests.sla.support import at

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in Berlin


def test_defaults_give_itil_targets_once(make_incident):
    definitions = sla_defaults_create()
    assert [d.name for d in definitions] == ["P1 Critical", "P2 High", "P3 Moderate", "P4 Low"]
    assert sla_defaults_create() == definitions  # idempotent
    assert Calendar.objects.count() == 2 and SlaDefinition.objects.count() == 4
    office = Calendar.objects.get(name="Office hours")
    seconds = [d.target_seconds(Target.RESOLUTION, office.business_day) for d in definitions]
    assert seconds == [3600, 8 * 3600, 24 * 3600, 48 * 3600]

    with at(T0):
        critical = make_incident(impact=1, urgency=1)
        moderate = make_incident(impact=2, urgency=2)
    due = Clock.objects.get(incident=critical, target=Target.RESOLUTION).breach_at
    assert due == T0 + timedelta(hours=1)
    # 24 business hours from Monday 09:00 Berlin: Wednesday 17:00 Berlin.
    due = Clock.objects.get(incident=moderate, target=Target.RESOLUTION).breach_at
    assert due == datetime(2026, 3, 4, 16, 0, tzinfo=UTC)
