"""`make run` loads the demo desk once: every state, real timelines, the printed logins work,
and it reads like a real desk (plausible MTTA/MTTR, varied reports, categories and known
errors that fit their services, the status page's uptime counting its outages)."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import RequestFactory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from alerts.models import Alert, Integration, Runbook, Silence
from catalog.models import Service, Team
from changes.models import BlackoutWindow, Change, ChangeTemplate
from changes.models import Status as ChangeStatus
from demo import data
from incidents.models import OPEN_STATES, Incident, Status
from notifications.models import Notification
from oncall.models import Override
from oncall.schedules import on_call
from problems.models import Problem
from problems.queries import known_errors_for
from statuspage.history import service_history
from statuspage.models import PublicIncident, Subscriber
from statuspage.status import page_state
from tests.major.demo_checks import assert_major_incidents
from tests.metrics.demo_checks import assert_plausible_mtta_mttr


@pytest.mark.django_db
def test_demo_desk_loads_once_with_every_state(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "admin / servicedesk-demo" in out
    # The random ones: not opened by alerts, not demo.major's (checked below).
    people = Incident.objects.filter(
        alert_group__isnull=True, major_since__isnull=True, major_incident__isnull=True
    )
    assert people.count() == 200 + 2  # and the status page's two outages (demo.status)
    assert set(Incident.objects.values_list("status", flat=True)) == set(Status.values)
    assert not people.filter(timeline__verb="created").count() < 202
    login = RequestFactory().post("/admin/login/")  # axes watches sign-ins per request
    assert authenticate(login, username="admin", password="servicedesk-demo").is_superuser
    assert authenticate(login, username="sam", password="agent-demo").is_agent
    # Managers and superusers sign in with a code: the demo ones from the printed secret.
    assert "manage.py demo_code" in out
    assert TOTPDevice.objects.filter(user__username__in=["admin", "maria"]).count() == 2
    assert Problem.objects.filter(known_error=True, incidents__isnull=False).exists()
    assert len(set(Problem.objects.values_list("status", flat=True))) >= 3
    assert set(Change.objects.values_list("type", flat=True)) == {"standard", "normal", "emergency"}
    assert len(set(Change.objects.values_list("status", flat=True))) >= 5
    assert BlackoutWindow.objects.exists() and ChangeTemplate.objects.exists()
    # The status page has something to show: an outage, one over, maintenance now and later.
    state = page_state()
    shown = {row.service.name: row.status for row in state.services}
    assert shown["VPN"] == "partial_outage"
    assert shown["Printing"] == "under_maintenance"
    assert PublicIncident.objects.filter(phase="resolved").exists()
    assert Change.objects.filter(customer_visible=True, status=ChangeStatus.SCHEDULED).exists()
    assert Subscriber.objects.filter(confirmed_at__isnull=False).exists()
    # Monitoring: two integrations printed with their endpoints and secrets, incidents
    # opened by alerts (two alerts in one, one resolved by them), a silenced alert.
    for integration in Integration.objects.all():
        assert integration.path in out and integration.secret in out
    assert set(Integration.objects.values_list("kind", flat=True)) == {"alertmanager", "events_v2"}
    assert Runbook.objects.exists() and Silence.objects.exists()
    from_alerts = Incident.objects.filter(alert_group__isnull=False)
    assert from_alerts.count() == 3
    assert from_alerts.filter(status=Status.RESOLVED).count() == 1
    assert from_alerts.filter(status=Status.IN_PROGRESS).exists()  # acknowledged by its sender
    assert from_alerts.annotate(alerts_in=Count("alerts")).filter(alerts_in=2).exists()
    assert Alert.objects.filter(incident__isnull=True, suppressed__startswith="Silenced").exists()
    # Two major incidents, a past one reviewed and closed and one in response now.
    assert_major_incidents()
    # A real desk's figures and words.
    assert_plausible_mtta_mttr()
    _assert_reads_like_a_desk(people)
    # The seed is muted: no mail is even queued, for subscribers (addresses) included.
    assert not Notification.objects.exists()
    # On-call per team: someone on call now, an override ahead, a policy with its ladder.
    for team in Team.objects.all():
        assert on_call(team.oncall_schedules.get(), timezone.now()) is not None
        assert team.escalation_policies.get().levels.count() == 2
    assert Override.objects.filter(starts_at__gt=timezone.now()).exists()

    call_command("load_demo")
    assert "loaded already" in capsys.readouterr().out
    assert Incident.objects.count() == 205 + 6  # the major incidents and their children


def _assert_reads_like_a_desk(people) -> None:
    """Each service's own reports in its own category; callers' words vary; each known
    error explains the incidents it is linked to and is offered for its own kind only; the
    VPN outage in progress costs today's uptime."""
    for title, service in people.values_list("title", "service__name").distinct():
        assert title in data.TITLES[service], (service, title)
    # The major incidents and their children too; the alerts' come from monitoring.
    filed = Incident.objects.filter(alert_group__isnull=True)
    for service, category in filed.values_list("service__name", "category__name").distinct():
        assert category == data.CATEGORIES[service][0], (service, category)
    assert people.values("title").distinct().count() >= 20
    assert people.values("description").distinct().count() >= people.count() // 2

    known = Problem.objects.filter(known_error=True).select_related("service")
    assert known.count() >= 3
    for problem in known:
        linked = Incident.objects.filter(problems=problem)
        assert linked.exists()
        assert set(linked.values_list("title", flat=True)) == {
            problem.title.removeprefix("Recurring: ")
        }
    vpn_drop = people.filter(title="VPN drops every few minutes", status__in=OPEN_STATES)
    offered = known_errors_for(vpn_drop.filter(problem_link__isnull=True).first())
    assert [p.service.name for p in offered] == ["VPN"]
    assert "backup gateway" in offered[0].workaround

    vpn = Service.objects.get(name="VPN")
    history = service_history([vpn.pk])[vpn.pk]
    assert "partial_outage" in history.days[-1].seconds
    assert history.uptime < 100.0


@pytest.mark.django_db
def test_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("load_demo")
