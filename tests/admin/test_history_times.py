"""A ticket's history page shows the times a move stamped (a milestone) as the rest of the
console shows times: in the desk's zone and the locale's words, never the stored UTC text
(``2016-04-06 14:29:00+00:00``). Incidents and problems share the page."""

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from incidents.models import Status as IncidentStatus
from problems.models import Status as ProblemStatus
from tests.admin.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _paris(settings) -> None:
    settings.TIME_ZONE = "Europe/Paris"  # far enough from UTC to tell the two apart


def _changes(agent, url_name: str, pk: int) -> tuple[dict[str, tuple[str, str]], str]:
    page = client_for(agent).get(reverse(url_name, args=[pk]))
    assert page.status_code == 200
    shown = {
        change["field"]: (str(change["old"]), str(change["new"]))
        for row in page.context["page_obj"].object_list
        for change in getattr(row, "history_delta_changes", [])
    }
    return shown, page.content.decode()


def _as_console_shows(moment) -> str:
    return dateformat.format(timezone.localtime(moment), "N j, Y, P")


def test_an_incidents_milestones_read_in_the_desks_zone(agent, incident_in):
    incident = incident_in(IncidentStatus.RESOLVED)
    shown, html = _changes(agent, "admin:incidents_incident_history", incident.pk)
    assert shown["Acknowledged at"][1] == _as_console_shows(incident.acknowledged_at)
    assert shown["Resolved at"][1] == _as_console_shows(incident.resolved_at)
    assert "+00:00" not in html and "+01:00" not in html and "+02:00" not in html


def test_a_problems_milestones_read_the_same_way(agent, problem_in):
    problem = problem_in(ProblemStatus.RESOLVED)
    shown, html = _changes(agent, "admin:problems_problem_history", problem.pk)
    assert shown["Resolved at"][1] == _as_console_shows(problem.resolved_at)
    assert "+00:00" not in html
