"""The incident's change form shows an "SLA" panel: each clock with its definition and
target, when it is due and how long is left, or that it is paused, met or missed. The
clocks' own admin is read-only."""

from datetime import UTC, datetime, timedelta

from django.test import Client
from django.urls import reverse

from sla.models import Clock
from tests.sla.support import at, move

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_panel_shows_due_time_left_paused_and_met(make_incident, agent, always, define):
    define("P3 24x7", always, response_target=1, resolution_target=8)
    with at(T0):
        incident = make_incident()
    incident = move(incident, "acknowledge", T0 + timedelta(minutes=30), agent)
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    client = _client(agent)
    with at(T0 + timedelta(hours=2)):
        html = client.get(url).content.decode()
    assert "Time to resolution: P3 24x7 (8 h)" in html
    assert "Due 2026-03-02 16:00 UTC, 6 h 00 min left." in html
    assert "Time to first response: P3 24x7 (1 h)" in html
    assert "Met: stopped 2026-03-02 08:30 UTC after 30 min of business time." in html

    incident = move(incident, "hold", T0 + timedelta(hours=3), agent, hold_reason="awaiting_caller")
    with at(T0 + timedelta(hours=5)):
        html = client.get(url).content.decode()
    assert "Paused since 2026-03-02 11:00 UTC; 5 h 00 min of business time left." in html


def test_the_clock_admin_is_read_only(make_incident, agent, always, define):
    define("P3 24x7", always, resolution_target=8)
    incident = make_incident()
    clock = Clock.objects.get(incident=incident)
    client = _client(agent)
    listing = client.get(reverse("admin:sla_clock_changelist"))
    assert listing.status_code == 200 and incident.number in listing.content.decode()
    assert client.get(reverse("admin:sla_clock_change", args=[clock.pk])).status_code == 200
    assert client.get(reverse("admin:sla_clock_add")).status_code == 403
    assert client.post(reverse("admin:sla_clock_delete", args=[clock.pk])).status_code == 403
