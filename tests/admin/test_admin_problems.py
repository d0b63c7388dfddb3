"""The problem console: every state through the move pages, forbidden moves refused with
a message, the incident actions and panels the problems app plugs in, the known-error
database and the recurring report."""

import pytest
from django.urls import reverse

from incidents.models import Status as IncidentStatus
from problems.models import Problem, Status
from problems.workflow import problem_move
from tests.admin.conftest import change_url, changelist_url, messages_of
from tests.factories import PROBLEM_FORBIDDEN, PROBLEM_INPUTS

pytestmark = pytest.mark.django_db


def problem_url(problem, view: str = "change", *args) -> str:
    return reverse(f"admin:problems_problem_{view}", args=[problem.pk, *args])


def test_every_state_through_the_move_pages(agent_client, problem):
    walk = [
        ("assess", {}, Status.ASSESS),
        ("analyze", {}, Status.ROOT_CAUSE_ANALYSIS),
        ("mark_known_error", {"workaround": "Webmail"}, Status.ROOT_CAUSE_ANALYSIS),
        ("start_fix", {"root_cause": "Certificate"}, Status.FIX_IN_PROGRESS),
        ("resolve", {"fix_notes": "Renewed"}, Status.RESOLVED),
        ("close", {"note": ""}, Status.CLOSED),
    ]
    for name, data, status in walk:
        page = agent_client.get(problem_url(problem))
        assert problem_url(problem, "move", name).encode() in page.content
        response = agent_client.post(problem_url(problem, "move", name), data)
        assert response.status_code == 302, (
            name,
            response.context and response.context["form"].errors,
        )
        problem.refresh_from_db()
        assert problem.status == status
    assert problem.history.count() == 1 + len(walk)


@pytest.mark.parametrize(("status", "name"), PROBLEM_FORBIDDEN[::3])
def test_forbidden_moves_are_refused_with_a_message(manager_client, problem_in, status, name):
    problem = problem_in(status)
    before = problem.history.count(), problem.timeline.count()
    response = manager_client.post(problem_url(problem, "move", name), PROBLEM_INPUTS[name])
    assert response.status_code == 302
    assert any("Cannot" in message for message in messages_of(response))
    problem.refresh_from_db()
    assert (problem.status, problem.history.count(), problem.timeline.count()) == (status, *before)


def test_start_fix_without_root_cause_is_a_form_error(agent_client, problem_in):
    problem = problem_in(Status.ROOT_CAUSE_ANALYSIS)
    response = agent_client.post(problem_url(problem, "move", "start_fix"), {"root_cause": ""})
    assert response.status_code == 200 and "root_cause" in response.context["form"].errors


def test_create_a_problem_from_selected_incidents(agent_client, make_incident):
    incidents = [make_incident(), make_incident()]
    response = agent_client.post(
        changelist_url(),
        {"action": "create_problem", "_selected_action": [i.pk for i in incidents]},
    )
    problem = Problem.objects.get()
    assert response.status_code == 302 and response["Location"] == problem_url(problem)
    assert set(problem.incidents.all()) == set(incidents)


def test_link_selected_incidents_to_a_problem(agent_client, make_incident, problem):
    incidents = [make_incident(), make_incident()]
    response = agent_client.post(
        changelist_url(),
        {
            "action": "link_to_problem",
            "_selected_action": [i.pk for i in incidents],
            "apply": "1",
            "problem": problem.pk,
        },
    )
    assert response.status_code == 302
    assert set(problem.incidents.all()) == set(incidents)
    page = agent_client.get(change_url(incidents[0])).content.decode()
    assert problem.number in page  # the incident shows its problem


def test_known_error_suggested_on_the_incident_and_linked_in_one_click(
    agent_client, problem_in, incident, agent
):
    problem = problem_move(
        problem_in(Status.ASSESS), "mark_known_error", by=agent, workaround="Use webmail"
    )
    page = agent_client.get(change_url(incident)).content.decode()
    assert "Known errors that may apply" in page and "Use webmail" in page
    link = problem_url(problem, "link_incident", incident.pk)
    assert link in page
    response = agent_client.post(link)
    assert response.status_code == 302
    assert list(problem.incidents.all()) == [incident]
    assert problem.number in agent_client.get(problem_url(problem)).content.decode()


def test_resolve_linked_incidents_from_the_problem(agent_client, problem_in, incident_in, agent):
    problem = problem_move(
        problem_in(Status.ASSESS), "mark_known_error", by=agent, workaround="Use webmail"
    )
    incidents = [incident_in(IncidentStatus.NEW), incident_in(IncidentStatus.IN_PROGRESS)]
    for incident in incidents:
        problem.incident_links.create(incident=incident)
    assert agent_client.get(problem_url(problem, "resolve_incidents")).status_code == 200
    response = agent_client.post(problem_url(problem, "resolve_incidents"))
    assert "resolved 2 incident(s)" in " ".join(messages_of(response))
    for incident in incidents:
        incident.refresh_from_db()
        assert incident.status == IncidentStatus.RESOLVED
        assert incident.timeline.filter(verb="resolve").count() == 1


def test_known_error_database_and_recurring_report(agent_client, problem_in, make_incident, agent):
    problem_move(problem_in(Status.ASSESS), "mark_known_error", by=agent, workaround="Webmail")
    problem_in(Status.ASSESS, title="Not a known error")
    page = agent_client.get(
        reverse("admin:problems_knownerror_changelist"), {"q": "webmail"}
    ).content.decode()
    assert "Webmail" in page and "Not a known error" not in page
    for _ in range(3):
        make_incident()
    report = agent_client.get(
        reverse("admin:problems_problem_recurring"), {"minimum": 3, "days": 7}
    )
    assert report.status_code == 200
    assert [(row.name, row.incidents) for row in report.context["rows"]] == [("Email", 3)]
