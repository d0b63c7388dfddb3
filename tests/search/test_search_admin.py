"""The admin's search box: on every console page, an exact number opens the record,
words list ranked groups; the incident list's own search covers descriptions, and
another type's number typed there opens that record."""

import pytest
from django.urls import reverse

from incidents.workflow import incident_add_note
from problems.models import Status as ProblemStatus
from problems.workflow import problem_move
from tests.admin.conftest import change_url, changelist_url

pytestmark = pytest.mark.django_db


def test_the_header_has_the_search_box(agent_client):
    page = agent_client.get(reverse("admin:index")).content.decode()
    assert f'action="{reverse("admin-search")}"' in page
    assert 'role="search"' in page


def test_a_number_opens_the_record(agent_client, incident, problem):
    response = agent_client.get(reverse("admin-search"), {"q": incident.number.lower()})
    assert response.status_code == 302
    assert response["Location"] == change_url(incident)
    response = agent_client.get(reverse("admin-search"), {"q": f"prb{int(problem.number[3:])}"})
    assert response["Location"] == reverse("admin:problems_problem_change", args=[problem.pk])


def test_words_list_groups_with_links(agent_client, agent, make_incident, problem_in):
    incident = make_incident(title="Kiosk frozen", description="Lobby kiosk.")
    incident_add_note(incident, by=agent, body="Kiosk image is stale.", internal=True)
    known = problem_in(ProblemStatus.ASSESS, title="Kiosk image drifts")
    problem_move(known, "mark_known_error", by=agent, workaround="Reimage the kiosk")

    page = agent_client.get(reverse("admin-search"), {"q": "kiosk"}).content.decode()

    assert "<h2" in page and "Incidents</h2>" in page and "Known errors</h2>" in page
    assert f'<a href="{change_url(incident)}">{incident.number}</a>' in page
    assert "details, work note" in page
    assert reverse("admin:problems_problem_change", args=[known.pk]) in page
    assert "Problems</h2>" not in page  # an empty group is left out


def test_nothing_found_says_so(agent_client, incident):
    page = agent_client.get(reverse("admin-search"), {"q": "zebra"}).content.decode()
    assert "Nothing found for “zebra”." in page


def test_end_users_cannot_open_it(client, caller):
    client.force_login(caller)
    response = client.get(reverse("admin-search"), {"q": "mail"})
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_the_incident_list_searches_descriptions(agent_client, make_incident):
    found = make_incident(title="Odd one", description="The toner smells burnt.")
    make_incident(title="Other", description="Nothing here.")

    response = agent_client.get(changelist_url(), {"q": "toner"})

    assert [row.number for row in response.context["cl"].result_list] == [found.number]


def test_a_problem_number_in_the_incident_list_opens_the_problem(agent_client, problem):
    response = agent_client.get(changelist_url(), {"q": problem.number})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:problems_problem_change", args=[problem.pk])


def test_an_incident_number_in_the_incident_list_still_filters_it(agent_client, incident):
    response = agent_client.get(changelist_url(), {"q": incident.number})
    assert response.status_code == 200
    assert [row.number for row in response.context["cl"].result_list] == [incident.number]
