"""A service's status is derived from public incidents and customer-visible changes,
never typed; the banner is the worst of them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from changes.models import Status as ChangeStatus
from incidents.models import Incident
from incidents.workflow import incident_cancel, incident_resolve
from kernel.errors import MoveInvalid
from statuspage.status import page_state

pytestmark = pytest.mark.django_db


def status_of(service) -> str:
    state = page_state().state_of(service.pk)
    assert state is not None, "the service is not listed"
    return state.status.value


def test_no_incidents_is_operational(service):
    state = page_state()
    assert status_of(service) == "operational"
    assert (state.indicator, state.description) == ("none", "All systems operational")


@pytest.mark.parametrize(
    ("impact", "expected", "indicator"),
    [
        ("degraded_performance", "degraded_performance", "minor"),
        ("partial_outage", "partial_outage", "major"),
        ("major_outage", "major_outage", "critical"),
    ],
)
def test_open_public_incident_sets_its_impact(
    service, incident, post_update, impact, expected, indicator
):
    post_update(incident, impact=impact)
    assert status_of(service) == expected
    assert page_state().indicator == indicator


@pytest.mark.parametrize(
    ("severity", "priority_inputs", "expected"),
    [
        (1, {}, "major_outage"),
        (None, {"impact": 1, "urgency": 1}, "major_outage"),  # P1
        (2, {}, "partial_outage"),
        (None, {"impact": 1, "urgency": 2}, "partial_outage"),  # P2
        (3, {}, "degraded_performance"),
    ],
)
def test_first_update_defaults_impact_from_severity_or_priority(
    service, make_incident, post_update, severity, priority_inputs, expected
):
    incident = make_incident(severity=severity, **priority_inputs)
    post_update(incident)
    assert status_of(service) == expected


def test_non_public_incident_leaves_service_operational(service, incident):
    assert status_of(service) == "operational"
    assert page_state().incidents == []


def test_resolving_the_incident_makes_it_operational(service, incident, post_update, agent):
    post_update(incident, impact="major_outage")
    incident_resolve(
        Incident.objects.get(pk=incident.pk),
        by=agent,
        resolution_code="solution_provided",
        resolution_notes="Restarted",
    )
    assert status_of(service) == "operational"
    assert page_state().incidents == []


def test_resolved_phase_makes_it_operational(service, incident, post_update):
    post_update(incident, impact="partial_outage")
    post_update(incident, phase="resolved", body="Mail flows again.")
    assert status_of(service) == "operational"


def test_canceled_incident_is_operational(service, incident, post_update, manager):
    post_update(incident, impact="major_outage")
    incident_cancel(Incident.objects.get(pk=incident.pk), by=manager, reason="Duplicate")
    assert status_of(service) == "operational"


def test_implementing_customer_visible_change_is_maintenance(service, change_in):
    change_in(ChangeStatus.IMPLEMENT, customer_visible=True)
    assert status_of(service) == "under_maintenance"
    state = page_state()
    assert (state.indicator, state.description) == ("maintenance", "Service under maintenance")
    assert len(state.maintenances) == 1


def test_scheduled_window_covering_now_is_maintenance(service, change_in):
    now = timezone.now()
    change_in(
        ChangeStatus.SCHEDULED,
        customer_visible=True,
        planned_start=now - timedelta(minutes=5),
        planned_end=now + timedelta(hours=1),
    )
    assert status_of(service) == "under_maintenance"


def test_scheduled_window_later_is_upcoming_not_maintenance(service, change_in):
    change = change_in(ChangeStatus.SCHEDULED, customer_visible=True)
    state = page_state()
    assert status_of(service) == "operational"
    assert [c.pk for c in state.upcoming] == [change.pk]


def test_change_not_customer_visible_is_ignored(service, change_in):
    change_in(ChangeStatus.IMPLEMENT)
    state = page_state()
    assert status_of(service) == "operational"
    assert state.maintenances == [] and state.upcoming == []


def test_incident_outage_outranks_maintenance(service, change_in, incident, post_update):
    change_in(ChangeStatus.IMPLEMENT, customer_visible=True)
    post_update(incident, impact="degraded_performance")
    assert status_of(service) == "degraded_performance"


def test_non_public_service_is_never_listed(make_service, make_incident, post_update):
    hidden = make_service("Payroll", is_public=False)
    retired = make_service("Fax", is_active=False)
    make_service("Wiki")
    state = page_state()
    assert [s.service.name for s in state.services] == ["Email", "Wiki"]
    assert state.state_of(hidden.pk) is None and state.state_of(retired.pk) is None
    # Nor can an incident on it be made public: the page would never show it.
    with pytest.raises(MoveInvalid) as refused:
        post_update(make_incident(service=hidden))
    assert "incident" in refused.value.errors
    assert page_state().incidents == []


def test_banner_is_the_worst_service(make_service, make_incident, post_update, service, change_in):
    wiki = make_service("Wiki")
    post_update(make_incident(service=wiki), impact="degraded_performance")
    post_update(make_incident(), impact="major_outage", title="Mail is down")
    state = page_state()
    assert state.status.value == "major_outage"
    assert state.description == "Major system outage"
    assert [s.status.value for s in state.services] == ["major_outage", "degraded_performance"]
