"""A major incident's review: started from the incident (admin panel or API) with its
durations correct to the second, and the incident closes only once it is published."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.milestones import incident_set_milestone
from incidents.models import Status as IncidentStatus
from incidents.workflow import incident_move
from kernel.errors import MoveNotAllowed
from postmortems.models import Postmortem
from postmortems.workflow import postmortem_add_reviewer, postmortem_create_for, postmortem_move
from tests.factories import MOVE_INPUTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def major(incident_in):
    """A SEV1: declared major when it is logged, then resolved."""
    incident = incident_in(IncidentStatus.RESOLVED, title="Mail down everywhere", severity=1)
    assert incident.is_major
    return incident


def close(incident, by):
    return incident_move(incident, "close", by=by, **MOVE_INPUTS["close"])


def test_a_major_incident_closes_only_once_its_postmortem_is_published(major, agent, other_agent):
    with pytest.raises(MoveNotAllowed, match="Cannot close: Write and publish a postmortem"):
        close(major, agent)
    assert "close" not in [move.name for move in major.moves.offered(major, agent)]

    postmortem = postmortem_create_for(major, by=agent)
    with pytest.raises(
        MoveNotAllowed, match=f"Publish the postmortem first: {postmortem.number} is draft"
    ):
        close(major, agent)
    with pytest.raises(MoveNotAllowed, match="Publish the postmortem first"):
        incident_move(major, "confirm", by=agent, note="Works")

    postmortem_add_reviewer(postmortem, by=agent, user=other_agent)
    postmortem_move(postmortem, "submit", by=agent)
    with pytest.raises(MoveNotAllowed, match="is in review"):
        close(major, agent)
    postmortem_move(postmortem, "approve", by=other_agent)
    postmortem_move(postmortem, "publish", by=agent)

    closed = close(major, agent)
    assert closed.status == IncidentStatus.CLOSED


def test_incidents_the_settings_do_not_name_close_freely(incident_in, agent, settings):
    minor = incident_in(IncidentStatus.RESOLVED, severity=3)
    assert close(minor, agent).status == IncidentStatus.CLOSED

    settings.POSTMORTEM_REQUIRED_PRIORITIES = []
    settings.POSTMORTEM_REQUIRED_SEVERITIES = [2]
    sev1 = incident_in(IncidentStatus.RESOLVED, severity=1)
    assert sev1.is_major
    assert close(sev1, agent).status == IncidentStatus.CLOSED


def test_the_durations_are_the_milestones_to_the_second(incident_in, agent):
    t0 = (timezone.now() - timedelta(hours=3)).replace(microsecond=250_000)
    incident = incident_in(
        IncidentStatus.RESOLVED, severity=1, detected_at=t0 + timedelta(seconds=300)
    )
    for milestone, seconds in (
        ("impact_started", 0),
        ("reported", 600.9),
        ("acknowledged", 845),
        ("mitigated", 3_725),
        ("resolved", 7_265),
    ):
        at = t0 + timedelta(seconds=seconds)
        incident = incident_set_milestone(
            incident, by=agent, milestone=milestone, at=at, reason="From the logs"
        )

    postmortem = postmortem_create_for(incident, by=agent)

    assert postmortem.durations == {
        "time_to_detect": 300,
        "time_to_acknowledge": 845,
        "time_to_mitigate": 3_725,
        "time_to_resolve": 7_265,
        "reported_to_acknowledge": 244,  # 14:10:01.15 -> 14:14:05.25 reads 4m 04s
        "reported_to_mitigate": 3_124,
        "reported_to_resolve": 6_664,
        "impact_duration": 3_725,
    }
    assert postmortem.impact_started_at == t0
    assert postmortem.impact_ended_at == t0 + timedelta(seconds=3_725)
    assert list(postmortem.services.all()) == [incident.service]
    assert incident.timeline.filter(verb="postmortem_started").exists()


def test_the_incident_form_starts_the_postmortem(major, agent_client):
    page = agent_client.get(reverse("admin:incidents_incident_change", args=[major.pk]))
    start = reverse("admin:postmortems_postmortem_start", args=[major.pk])
    assert "Start the postmortem" in page.text
    assert start in page.text

    response = agent_client.post(start)

    postmortem = Postmortem.objects.get(incident=major)
    assert response.url == reverse("admin:postmortems_postmortem_change", args=[postmortem.pk])
    page = agent_client.get(reverse("admin:incidents_incident_change", args=[major.pk]))
    assert postmortem.number in page.text
    assert "Start the postmortem" not in page.text
    again = agent_client.post(start, follow=True)
    assert "has its postmortem already" in again.text


def test_the_services_hit_include_the_child_incidents(make_incident, agent, team):
    from catalog.models import Service
    from incidents.major import incident_link_major

    major = make_incident(title="Network down", severity=1)
    vpn = Service.objects.create(name="VPN", owner_team=team, criticality=2)
    incident_link_major(make_incident(title="VPN drops", service=vpn), by=agent, parent=major)

    postmortem = postmortem_create_for(major, by=agent)

    assert {service.name for service in postmortem.services.all()} == {"Email", "VPN"}


def test_the_facts_are_read_again_after_a_milestone_is_corrected(major, agent, agent_api):
    postmortem = postmortem_create_for(major, by=agent)
    assert postmortem.durations["time_to_detect"] is None  # impact started is not known yet
    detected = major.detected_at
    incident_set_milestone(
        major,
        by=agent,
        milestone="impact_started",
        at=detected - timedelta(minutes=7),
        reason="Error rate rose in the logs",
    )

    response = agent_api.post(f"/api/v1/postmortems/{postmortem.number}/refresh-facts/")

    assert response.status_code == 200
    assert response.json()["durations"]["time_to_detect"] == 7 * 60
    postmortem.refresh_from_db()
    assert postmortem.impact_started_at == detected - timedelta(minutes=7)
    assert postmortem.timeline.filter(verb="facts_refreshed").exists()
    assert postmortem.history.latest("history_id").history_change_reason.startswith("Facts")
