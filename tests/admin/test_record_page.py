"""The record page (a ticket's change form) answers "what is this and what do I do": its
number and title as the title, the facts in the header, the allowed moves as buttons (one
click for a move that asks nothing), the timeline in human words, newest first, paged."""

import pytest
from django.urls import reverse

from incidents.major import incident_assign_role
from incidents.models import Role, Status
from incidents.workflow import WORKFLOW, incident_add_note
from problems.models import Status as ProblemStatus
from tests.admin.conftest import change_url, messages_of, move_url

pytestmark = pytest.mark.django_db


def test_the_title_is_the_number_and_title_not_change_incident(agent_client, incident):
    html = agent_client.get(change_url(incident)).content.decode()
    assert f"<title>{incident.number} {incident.title} | servicedesk</title>" in html
    assert f"<h1>{incident.number} {incident.title}</h1>" in html
    assert "Change incident" not in html


def test_the_header_says_state_priority_severity_and_who_has_it(agent_client, make_incident, agent):
    incident = make_incident(severity=2, assigned_to=agent)
    response = agent_client.get(change_url(incident))
    facts = {str(fact.label): str(fact.value) for fact in response.context["header_facts"]}
    assert facts["State"] == "New"
    assert "priority-badge" in facts["Priority"]
    assert facts["Severity"] == "SEV2"
    assert facts["Assigned to"] == "Alice"
    assert facts["Group"] == "Service Desk"


def test_a_major_incident_shows_its_badge_and_roles(agent_client, make_incident, manager, agent):
    incident = make_incident(impact=1, urgency=1, severity=1, assigned_to=agent)
    assert incident.is_major  # a P1 declares itself
    incident_assign_role(incident, by=manager, role=Role.COMMUNICATIONS, user=agent)
    html = agent_client.get(change_url(incident)).content.decode()
    assert '<span class="major-badge">Major incident</span>' in html
    assert "Communications lead: Alice" in html


def test_a_move_that_asks_nothing_is_one_post_from_the_record_page(agent_client, incident):
    html = agent_client.get(change_url(incident)).content.decode()
    acknowledge = move_url(incident, "acknowledge")
    # A form posting straight to the move, not a link to a page that asks nothing.
    assert f'<form method="post" action="{acknowledge}">' in html
    assert f'<a href="{acknowledge}"' not in html
    # Resolving asks for its inputs: a link to the page asking exactly those.
    assert f'<a href="{move_url(incident, "resolve")}" class="movebutton asks"' in html

    response = agent_client.post(acknowledge)
    assert response.status_code == 302 and response.url == change_url(incident)
    assert messages_of(response) == [f"{incident.number}: Acknowledge done; now In Progress."]
    incident.refresh_from_db()
    assert incident.status == Status.IN_PROGRESS


def test_the_timeline_is_in_words_newest_first_and_paged(agent_client, incident, agent):
    WORKFLOW.make(incident, "acknowledge", by=agent, inputs={})
    for n in range(25):
        incident_add_note(incident, by=agent, body=f"note {n}", internal=True)
    response = agent_client.get(change_url(incident))
    html = response.content.decode()
    words = [words for _entry, words in response.context["timeline"]]
    assert len(words) == 20
    assert words[0] == "Work note" and "note 24" in html and "note 4</div>" not in html
    assert response.context["timeline_older"] == 2
    older = agent_client.get(change_url(incident) + "?timeline=2")
    assert [w for _e, w in older.context["timeline"]][-2:] == ["Acknowledged", "Logged"]
    assert older.context["timeline_newer"] == 1 and older.context["timeline_older"] is None
    assert "acknowledge</" not in html  # never the raw verb


def test_problems_say_what_happened_in_words(agent_client, problem_in):
    problem = problem_in(ProblemStatus.FIX_IN_PROGRESS)
    url = reverse("admin:problems_problem_change", args=[problem.pk])
    response = agent_client.get(url)
    words = [words for _entry, words in response.context["timeline"]]
    assert words[0] == "Fix started"
    assert "start_fix" not in response.content.decode()
    assert f"<h1>{problem.number} {problem.title}</h1>" in response.content.decode()


def test_changes_show_the_same_header(agent_client, make_change):
    change = make_change()
    url = reverse("admin:changes_change_change", args=[change.pk])
    response = agent_client.get(url)
    facts = [str(fact.label) for fact in response.context["header_facts"]]
    assert facts[:2] == ["State", "Priority"]
    assert f"<h1>{change.number} {change.title}</h1>" in response.content.decode()
