"""A manager's grant lets a reporter see and report for one other person, and nobody else."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.models import ReportingGrant
from incidents.models import Incident
from tests.conftest import api_for

pytestmark = pytest.mark.django_db


def test_without_grant_no_reporting_for(portal, service):
    assert "Reporting for" not in portal.get(f"/report/{service.pk}/").content.decode()


def test_grant_lets_the_reporter_report_for_and_follow_the_person(
    portal, caller, boss, grant, service, report_data, make_incident, stranger
):
    page = portal.get(f"/report/{service.pk}/").content.decode()
    assert "Reporting for" in page and "Bea" in page
    response = portal.post(f"/report/{service.pk}/", report_data(caller=str(boss.pk)))
    incident = Incident.objects.get()
    assert incident.caller == boss and incident.history.get().history_user == caller
    assert incident.contact == "By email: bea@example.com"
    assert portal.get(response["Location"]).status_code == 200
    # the boss's older incident, too; nobody else's
    older = make_incident(caller=boss, title="Boss's printer")
    theirs = make_incident(caller=stranger, title="Steve's laptop")
    listing = portal.get("/incidents/").content.decode()
    assert "Boss&#x27;s printer" in listing and "Steve" not in listing
    assert portal.get(f"/incidents/{theirs.number}/").status_code == 404
    api = api_for(caller)
    assert api.get(f"/api/v1/incidents/{older.number}/").status_code == 200
    assert api.get(f"/api/v1/incidents/{theirs.number}/").status_code == 404
    # and may reply on their behalf
    portal.post(f"/incidents/{older.number}/reply/", {"body": "Bea asks: any news?"})
    assert older.timeline.get(kind="comment").author == caller


def test_reporting_for_someone_without_grant_is_refused(
    portal, stranger, boss, grant, service, report_data
):
    response = portal.post(f"/report/{service.pk}/", report_data(caller=str(stranger.pk)))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Incident.objects.exists()


def test_the_grant_is_one_way(boss, grant, make_incident, caller):
    mine = make_incident(caller=caller)
    boss_client = Client()
    boss_client.force_login(boss)
    assert boss_client.get(f"/incidents/{mine.number}/").status_code == 404


def test_managers_may_grant_in_the_admin(manager, caller, boss):
    assert (
        Group.objects.get(name="Managers")
        .permissions.filter(codename="add_reportinggrant")
        .exists()
    )
    client = Client()
    client.force_login(manager)
    response = client.post(
        "/admin/accounts/reportinggrant/add/", {"reporter": caller.pk, "on_behalf_of": boss.pk}
    )
    assert response.status_code == 302
    grant = ReportingGrant.objects.get()
    assert grant.granted_by == manager and grant.history.get().history_user == manager


def test_agents_may_not_grant(agent):
    client = Client()
    client.force_login(agent)
    assert client.get("/admin/accounts/reportinggrant/add/").status_code == 403
