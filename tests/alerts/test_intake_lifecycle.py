"""An alert's life through the endpoint: it opens an incident, later firings add to it, it
resolves the incident only once every alert in it is resolved, and the same key after that
opens a new incident. Each failure the peers are known for is one test here."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import Alert, AlertGroup, AlertStatus, GroupBy, Kind, RoutingRule, Silence
from changes.models import Status as ChangeStatus
from incidents.milestones import incident_set_milestone
from incidents.models import ResolutionCode, Severity, Source, Status
from kernel.enums import Impact, Urgency
from notifications.models import Notification
from oncall.models import Escalation, EscalationLevel, EscalationPolicy, Page
from tests.alerts.conftest import am_alert, am_body, at, ev2, send
from tests.factories import bring_change_to, second_team

pytestmark = pytest.mark.django_db


def incidents_of(integration):
    return [
        group.incident
        for group in AlertGroup.objects.filter(integration=integration).order_by("pk")
    ]


def test_a_firing_alert_opens_an_incident_on_the_integrations_service(integration, service):
    response = send(integration, am_body(am_alert("fp-1", starts_at="2026-12-02T09:58:00Z")))

    assert response.status_code == 202
    assert response.json() == {"status": "success", "message": "Alerts processed", "alerts": 1}
    [incident] = incidents_of(integration)
    assert incident.title == "HighErrorRate: HighErrorRate on fp-1"
    assert incident.source == Source.MONITORING
    assert incident.service == service
    assert incident.assignment_group == service.owner_team
    # critical: impact 1, urgency 1; detected when the alert started (MTTD is real)
    assert (incident.impact, incident.urgency, incident.severity) == (1, 1, Severity.SEV2)
    assert incident.detected_at == at("2026-12-02T09:58:00Z")
    assert incident.reported_at > incident.detected_at
    [alert] = incident.alerts.all()
    assert (alert.dedup_key, alert.status, alert.count, alert.severity) == (
        "fp-1",
        AlertStatus.FIRING,
        1,
        "critical",
    )
    assert alert.labels["instance"] == "fp-1"
    assert alert.generator_url.startswith("http://prometheus.example:9090/")
    assert alert.raw["fingerprint"] == "fp-1"


def test_later_firings_add_to_the_open_incident_without_burying_its_timeline(integration):
    for minute in range(5):
        # Alertmanager sends the group again as it changes: another body, the same alert.
        body = am_body(am_alert("fp-1"), am_alert(f"other-{minute}", name="Other"))
        body["groupKey"] = f"g{minute}"
        assert send(integration, body).status_code == 202

    alert = Alert.objects.get(dedup_key="fp-1")
    assert alert.count == 5
    assert Alert.objects.filter(dedup_key="fp-1").count() == 1
    incident = alert.incident
    # fired once, then "still firing" at most once a minute: one entry for five firings
    entries = incident.timeline.filter(data__dedup_key="fp-1")
    assert [entry.verb for entry in entries.order_by("pk")] == ["alert_fired"]


def test_the_same_body_again_is_a_replay_and_changes_nothing(integration):
    body = am_body(am_alert("fp-1"))
    assert send(integration, body).status_code == 202
    assert send(integration, body).status_code == 202

    assert Alert.objects.get().count == 1
    assert AlertGroup.objects.count() == 1


def test_resolving_every_alert_resolves_the_incident_through_its_workflow(integration):
    send(integration, am_body(am_alert("fp-1")))
    response = send(
        integration,
        am_body(am_alert("fp-1", status="resolved", ends_at="2026-12-02T10:05:00Z")),
    )

    assert response.status_code == 202
    [incident] = incidents_of(integration)
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED
    assert incident.resolution_code == ResolutionCode.CLEARED_BY_MONITORING
    assert incident.mitigated_at is not None and incident.resolved_at is not None
    history = incident.history.first()
    assert history.history_change_reason == "All alerts resolved."
    assert history.history_user is None
    alert = Alert.objects.get()
    assert (alert.status, alert.ends_at) == (AlertStatus.RESOLVED, at("2026-12-02T10:05:00Z"))
    assert not AlertGroup.objects.get().open


def test_firing_again_after_the_incident_resolved_opens_a_second_incident(integration):
    send(integration, am_body(am_alert("fp-1", starts_at="2026-12-02T10:00:00Z")))
    send(integration, am_body(am_alert("fp-1", status="resolved", ends_at="2026-12-02T10:05:00Z")))
    send(integration, am_body(am_alert("fp-1", starts_at="2026-12-02T11:00:00Z")))

    first, second = incidents_of(integration)
    first.refresh_from_db()
    assert first.status == Status.RESOLVED
    assert second.status == Status.NEW
    assert second.pk != first.pk
    assert second.alerts.get().count == 1


def test_an_incident_resolved_by_an_agent_takes_no_more_alerts(integration, agent):
    from incidents.workflow import incident_resolve

    send(integration, am_body(am_alert("fp-1")))
    [incident] = incidents_of(integration)
    incident_resolve(
        incident, by=agent, resolution_code="solution_provided", resolution_notes="Fixed"
    )
    send(integration, am_body(am_alert("fp-1", starts_at="2026-12-02T12:00:00Z")))

    assert len(incidents_of(integration)) == 2
    assert AlertGroup.objects.filter(open=True).count() == 1


def test_a_two_alert_incident_stays_open_while_one_alert_still_fires(make_integration, agent):
    integration = make_integration(group_by=GroupBy.GROUP_KEY)
    send(integration, am_body(am_alert("fp-1"), am_alert("fp-2", name="DiskFull")))
    [incident] = incidents_of(integration)
    incident.assigned_to = agent
    incident.save(update_fields=["assigned_to"])

    send(
        integration,
        am_body(
            am_alert("fp-1", status="resolved", ends_at="2026-12-02T10:05:00Z"),
            am_alert("fp-2", name="DiskFull"),
        ),
    )

    incident.refresh_from_db()
    assert incident.status == Status.NEW
    # The assignee hears which alert still fires.
    entry = incident.timeline.get(verb="alerts_firing")
    assert entry.body == "Still firing: DiskFull"
    assert Notification.objects.filter(recipient=agent, subject__contains="still firing").exists()

    send(
        integration,
        am_body(
            am_alert("fp-2", name="DiskFull", status="resolved", ends_at="2026-12-02T10:06:00Z")
        ),
    )
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED


def test_an_integration_may_leave_resolving_to_people(make_integration):
    integration = make_integration(resolve_incidents=False)
    send(integration, am_body(am_alert("fp-1")))
    send(integration, am_body(am_alert("fp-1", status="resolved", ends_at="2026-12-02T10:05:00Z")))

    [incident] = incidents_of(integration)
    incident.refresh_from_db()
    assert incident.status == Status.NEW
    assert Alert.objects.get().status == AlertStatus.RESOLVED


def test_grouping_by_chosen_labels(make_integration):
    integration = make_integration(group_by=GroupBy.LABELS, group_labels=["alertname", "cluster"])
    send(integration, am_body(am_alert("a", cluster="eu"), am_alert("b", cluster="eu")))
    send(integration, am_body(am_alert("c", cluster="us")))

    eu, us = incidents_of(integration)
    assert sorted(eu.alerts.values_list("dedup_key", flat=True)) == ["a", "b"]
    assert list(us.alerts.values_list("dedup_key", flat=True)) == ["c"]


def test_routing_rules_pick_the_service_and_the_priority(make_integration, service):
    from catalog.models import Service as CatalogService

    network = second_team()
    payments = CatalogService.objects.create(name="Payments", owner_team=network)
    integration = make_integration()
    RoutingRule.objects.create(
        integration=integration, position=0, label="service", value="payments", service=payments
    )
    RoutingRule.objects.create(
        integration=integration,
        position=1,
        label="severity",
        value="warning",
        impact=Impact.HIGH,
        urgency=Urgency.HIGH,
        severity=Severity.SEV1,
    )
    send(integration, am_body(am_alert("p", severity="warning", service="payments")))
    send(integration, am_body(am_alert("q", severity="info")))

    routed, plain = incidents_of(integration)
    assert routed.service == payments and routed.assignment_group == network
    assert (routed.impact, routed.urgency, routed.severity, routed.priority) == (1, 1, 1, 1)
    assert plain.service == service
    assert (plain.impact, plain.urgency, plain.severity) == (3, 3, Severity.SEV4)


def test_a_silence_records_the_alert_but_opens_no_incident(integration, service, manager):
    now = timezone.now()
    Silence.objects.create(
        matchers={"env": "staging"},
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(hours=1),
        reason="Load test on staging",
        created_by=manager,
    )
    send(integration, am_body(am_alert("s", env="staging")))
    send(integration, am_body(am_alert("s", env="staging"), am_alert("p", env="prod")))

    silenced = Alert.objects.get(dedup_key="s")
    assert silenced.incident is None and silenced.group is None
    assert silenced.suppressed == "Silenced: Load test on staging"
    assert silenced.count == 2
    assert [i.alerts.get().dedup_key for i in incidents_of(integration)] == ["p"]


def test_a_customer_visible_change_window_suppresses_its_services_alerts(
    integration, service, make_change, agent, manager
):
    change = make_change(customer_visible=True)
    change.services.add(service)
    bring_change_to(change, ChangeStatus.IMPLEMENT, agent=agent, approver=manager)

    send(integration, am_body(am_alert("m")))

    alert = Alert.objects.get()
    assert alert.incident is None
    assert alert.suppressed == f"Maintenance: {change.number}"
    assert not incidents_of(integration)
    assert not Page.objects.exists()


@pytest.fixture
def paging_policy(team, agent, service):
    policy = EscalationPolicy.objects.create(name="Alerts", team=team, page_priorities=[1])
    policy.services.add(service)
    EscalationLevel.objects.create(
        policy=policy, position=0, user=agent, delay=timedelta(minutes=5)
    )
    return policy


def test_a_serious_alert_pages_level_one_at_once_and_a_later_firing_pages_nobody(
    integration, paging_policy, agent
):
    send(integration, am_body(am_alert("fp-1")))
    [incident] = incidents_of(integration)
    assert list(Page.objects.values_list("user", flat=True)) == [agent.pk]

    # Acknowledged months ago and still open: a new firing adds to it and pages nobody.
    from incidents.workflow import incident_move

    incident_move(incident, "acknowledge", by=agent)
    send(integration, am_body(am_alert("fp-1", starts_at="2026-12-02T11:00:00Z")))
    send(integration, am_body(am_alert("fp-9")))  # another key: its own incident, paged

    assert Alert.objects.get(dedup_key="fp-1").count == 2
    assert Page.objects.filter(escalation__incident=incident).count() == 1
    assert Escalation.objects.get(incident=incident).state != Escalation.State.ACTIVE


def test_events_v2_trigger_acknowledge_resolve(make_integration, paging_policy):
    integration = make_integration(kind=Kind.EVENTS_V2)
    key = "srv01/HTTP"
    answer = send(integration, ev2("trigger", key, integration.secret), Authorization="")
    assert answer.status_code == 202
    assert answer.json() == {"status": "success", "message": "Event processed", "dedup_key": key}
    [incident] = incidents_of(integration)

    assert send(integration, ev2("acknowledge", key, integration.secret)).status_code == 202
    incident.refresh_from_db()
    assert incident.status == Status.IN_PROGRESS and incident.acknowledged_at is not None
    assert Escalation.objects.get(incident=incident).state != Escalation.State.ACTIVE

    assert send(integration, ev2("resolve", key, integration.secret)).status_code == 202
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED

    # An acknowledge after the resolve un-resolves nothing; one for an unknown key does nothing.
    assert send(integration, ev2("acknowledge", key, integration.secret)).status_code == 202
    assert send(integration, ev2("resolve", "never-seen", integration.secret)).status_code == 202
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED
    assert len(incidents_of(integration)) == 1


def test_events_v2_without_a_dedup_key_gets_one_and_its_replay_answers_the_same(make_integration):
    integration = make_integration(kind=Kind.EVENTS_V2)
    body = ev2("trigger", None, integration.secret)
    first = send(integration, body).json()["dedup_key"]
    again = send(integration, body).json()["dedup_key"]

    assert first == again and len(first) == 32
    assert Alert.objects.get().dedup_key == first


def test_a_flapping_alert_stops_adding_timeline_entries(make_integration):
    integration = make_integration(flap_changes=3, flap_minutes=30, resolve_incidents=False)
    for n in range(6):
        send(integration, am_body(am_alert("fp", starts_at=f"2026-12-02T10:0{n}:00Z")))
        send(
            integration,
            am_body(am_alert("fp", status="resolved", ends_at=f"2026-12-02T10:0{n}:30Z")),
        )

    alert = Alert.objects.get()
    assert alert.flapping
    assert alert.count == 6
    verbs = list(
        alert.incident.timeline.filter(data__dedup_key="fp")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    # fired, resolved, fired again, then flapping: nothing more for the other nine changes
    assert verbs == ["alert_fired", "alert_resolved", "alert_fired", "alert_flapping"]


def test_a_flapping_alert_holds_its_incident_open_until_the_sweep_sees_it_settled(make_integration):
    from alerts.intake import settle_flapping

    integration = make_integration(flap_changes=3, flap_minutes=30)
    send(integration, am_body(am_alert("fp", starts_at="2026-12-02T10:00:00Z")))
    assert len(incidents_of(integration)) == 1
    # Resolved, then fired again: the second firing is a new incident, and the alert's
    # changes are counted across the incidents it opens.
    for n in range(3):
        send(
            integration,
            am_body(am_alert("fp", status="resolved", ends_at=f"2026-12-02T10:0{n}:30Z")),
        )
        send(integration, am_body(am_alert("fp", starts_at=f"2026-12-02T10:0{n + 1}:00Z")))
    send(integration, am_body(am_alert("fp", status="resolved", ends_at="2026-12-02T10:09:30Z")))

    latest = Alert.objects.order_by("-pk").first()
    assert latest.flapping and latest.status == AlertStatus.RESOLVED
    held = latest.incident
    assert held.status == Status.NEW  # a flapping alert does not resolve its incident
    assert len(incidents_of(integration)) < 4  # not one incident per flap

    assert settle_flapping(now=timezone.now() + timedelta(minutes=5)) == 0  # still flapping
    assert settle_flapping(now=timezone.now() + timedelta(minutes=31)) == 1
    held.refresh_from_db()
    latest.refresh_from_db()
    assert not latest.flapping
    assert held.status == Status.RESOLVED
    assert held.timeline.filter(verb="alert_settled").exists()


def test_digests_are_forgotten_after_the_replay_window(integration, settings):
    from alerts.intake import purge_deliveries
    from alerts.models import Delivery

    body = am_body(am_alert("fp-1"))
    send(integration, body)
    assert (
        purge_deliveries(now=timezone.now() + timedelta(hours=settings.ALERT_REPLAY_HOURS - 1)) == 0
    )
    assert (
        purge_deliveries(now=timezone.now() + timedelta(hours=settings.ALERT_REPLAY_HOURS + 1)) == 1
    )
    assert not Delivery.objects.exists()
    send(integration, body)  # the same body a day later is news again
    assert Alert.objects.get().count == 2


def test_the_same_events_v2_body_after_its_incident_resolved_is_news(make_integration):
    """Events v2 senders send byte-identical triggers and acknowledges for a key's every
    incident: a replay only while the incident it went to is open."""
    integration = make_integration(kind=Kind.EVENTS_V2)
    trigger = ev2("trigger", "srv01/HTTP", integration.secret)
    acknowledge = ev2("acknowledge", "srv01/HTTP", integration.secret)
    resolve = ev2("resolve", "srv01/HTTP", integration.secret)
    for body in (trigger, trigger, acknowledge, acknowledge, resolve):
        assert send(integration, body).status_code == 202
    for body in (trigger, acknowledge):  # the key's next incident, in the same words
        assert send(integration, body).status_code == 202

    first, second = incidents_of(integration)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.RESOLVED
    assert second.status == Status.IN_PROGRESS and second.acknowledged_at is not None
    assert first.alerts.get().count == 1 and second.alerts.get().count == 1


def test_events_v2_acknowledge_and_resolve_find_their_alert_whatever_the_grouping(make_integration):
    for group_by, labels in ((GroupBy.LABELS, ["source"]), (GroupBy.GROUP_KEY, [])):
        integration = make_integration(kind=Kind.EVENTS_V2, group_by=group_by, group_labels=labels)
        send(integration, ev2("trigger", "k", integration.secret, group="payments"))
        send(integration, ev2("acknowledge", "k", integration.secret))
        [incident] = incidents_of(integration)
        incident.refresh_from_db()
        assert incident.status == Status.IN_PROGRESS, group_by
        send(integration, ev2("resolve", "k", integration.secret))
        incident.refresh_from_db()
        assert incident.status == Status.RESOLVED, group_by


def test_an_acknowledge_before_its_trigger_counts_when_it_comes_again(make_integration):
    integration = make_integration(kind=Kind.EVENTS_V2)
    acknowledge = ev2("acknowledge", "early", integration.secret)
    send(integration, acknowledge)  # nothing open yet: nothing happens, nothing is kept
    send(integration, ev2("trigger", "early", integration.secret))
    send(integration, acknowledge)

    [incident] = incidents_of(integration)
    incident.refresh_from_db()
    assert incident.status == Status.IN_PROGRESS


def test_numbers_beyond_what_a_json_column_holds_are_refused(integration):
    body = json.dumps(am_body(am_alert("fp-1"))).replace('"summary"', '"value": 1e400, "summary"')
    answer = send(integration, body.encode())
    assert (answer.status_code, answer.json()["code"]) == (400, "invalid_json")


def test_the_events_v2_secret_is_not_kept_with_the_alert(make_integration):
    integration = make_integration(kind=Kind.EVENTS_V2)
    send(integration, ev2("trigger", "k", integration.secret), Authorization="")
    assert "routing_key" not in Alert.objects.get().raw
    assert integration.secret not in json.dumps(Alert.objects.get().raw)


def test_an_alert_from_the_future_does_not_make_time_to_detect_negative(integration):
    send(integration, am_body(am_alert("fp-1", starts_at="2099-01-01T00:00:00Z")))
    [incident] = incidents_of(integration)
    assert incident.detected_at <= incident.reported_at


def test_an_earlier_alert_moves_detected_no_earlier_than_the_impact_started(
    make_integration, agent
):
    """A person set when the impact started; an alert in the incident that started even
    earlier moves "detected" back only as far as that (the milestones stay in order), and
    the sender's post is still processed."""
    integration = make_integration(group_by=GroupBy.GROUP_KEY)
    send(integration, am_body(am_alert("fp-1", starts_at="2026-12-02T09:58:00Z")))
    [incident] = incidents_of(integration)
    incident_set_milestone(
        incident, by=agent, milestone="impact_started", at=at("2026-12-02T09:55:00Z"),
        reason="First complaints",
    )  # fmt: skip

    body = am_body(am_alert("fp-2", starts_at="2026-12-02T09:50:00Z"))
    response = send(integration, body)

    assert response.status_code == 202
    incident.refresh_from_db()
    assert incident.alerts.count() == 2
    assert incident.impact_started_at == at("2026-12-02T09:55:00Z")
    assert incident.detected_at == at("2026-12-02T09:55:00Z")
