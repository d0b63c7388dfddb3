"""Before submitting: known errors with their workaround, the user's open incidents on the
service, on the form page; "Check for known issues" re-renders and creates nothing."""

import pytest

from catalog.models import Service
from incidents.models import Incident
from portal.suggestions import suggestions_for
from problems.models import Status as ProblemStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def known_error(problem_in, service):
    problem = problem_in(ProblemStatus.ASSESS, title="Outlook loses the mail server")
    from problems.workflow import problem_move

    return problem_move(
        problem, "mark_known_error", by=None, workaround="Restart Outlook in safe mode"
    )


def test_form_page_shows_known_errors_and_own_open_incidents(
    portal, service, known_error, incident
):
    page = portal.get(f"/report/{service.pk}/").content.decode()
    assert "Is it this? Follow it instead" in page
    assert "Outlook loses the mail server" in page and "Restart Outlook in safe mode" in page
    assert f"Follow {incident.number}" in page and f"/incidents/{incident.number}/" in page


def test_title_words_find_known_errors_on_other_public_services(
    portal, caller, service, known_error, team, report_data
):
    other = Service.objects.create(name="VPN", owner_team=team)
    found = suggestions_for(caller, other, "outlook crashes")
    assert found.known_errors == [known_error]
    assert suggestions_for(caller, other, "printer jam").known_errors == []

    response = portal.post(f"/report/{other.pk}/", report_data(title="Outlook crashes", check="1"))
    page = response.content.decode()
    assert response.status_code == 200 and "Restart Outlook in safe mode" in page
    assert 'value="Outlook crashes"' in page and 'class="error-summary"' not in page
    assert not Incident.objects.exists()


def test_internal_services_known_errors_stay_internal(caller, make_problem, team, problem_in):
    from problems.workflow import problem_move

    internal = Service.objects.create(name="Payroll batch", owner_team=team, is_public=False)
    secret = problem_in(ProblemStatus.ASSESS, title="Payroll export corrupts", service=internal)
    problem_move(secret, "mark_known_error", by=None, workaround="Rerun the export")
    public = Service.objects.create(name="Intranet", owner_team=team)
    assert suggestions_for(caller, public, "payroll export").known_errors == []


def test_check_with_nothing_found_says_so(portal, service, report_data):
    page = portal.post(
        f"/report/{service.pk}/", report_data(title="Zebra", check="1")
    ).content.decode()
    assert "No known issue matches what you typed" in page
    assert not Incident.objects.exists()


def test_form_page_offers_the_public_outage_on_the_service(portal, service, make_incident, agent):
    from statuspage.workflow import status_update_post

    other = make_incident(caller=None, title="Mail down for everyone")
    status_update_post(
        other, by=agent, title="Email is down", phase="investigating", body="We are on it."
    )
    page = portal.get(f"/report/{service.pk}/").content.decode()
    assert "Follow <bdi>Email is down</bdi> on the status page" in page
    assert f'href="/status/incidents/{other.number}/"' in page
    assert "Mail down for everyone" not in page  # the internal title stays internal
