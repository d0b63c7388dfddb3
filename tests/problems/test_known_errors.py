"""The known-error database suggests open known errors on the incident's service or
category, and not the one already linked."""

import pytest

from catalog.models import Service
from problems.models import Status
from problems.queries import known_errors_for
from problems.workflow import problem_link_incident, problem_move

pytestmark = pytest.mark.django_db


@pytest.fixture
def known_error(problem_in, agent):
    problem = problem_in(Status.ASSESS)
    return problem_move(problem, "mark_known_error", by=agent, workaround="Use webmail")


def test_suggested_on_the_same_service(known_error, incident):
    assert list(known_errors_for(incident)) == [known_error]


def test_suggested_on_the_same_category(make_problem, make_incident, category, team, agent):
    other = Service.objects.create(name="Other", owner_team=team)
    problem = make_problem(service=other, category=category)
    problem = problem_move(problem, "assess", by=agent)
    problem = problem_move(problem, "mark_known_error", by=agent, workaround="Reboot")
    incident = make_incident(category=category)
    assert list(known_errors_for(incident)) == [problem]


def test_not_suggested_elsewhere_or_when_closed_or_linked(known_error, make_incident, team, agent):
    elsewhere = make_incident(service=Service.objects.create(name="Wiki", owner_team=team))
    assert not known_errors_for(elsewhere).exists()
    linked = make_incident()
    problem_link_incident(known_error, linked, by=agent)
    assert not known_errors_for(linked).exists()
    problem_move(known_error, "cancel", by=None, reason="Gone")
    assert not known_errors_for(make_incident()).exists()


def test_a_problem_without_workaround_is_no_known_error(problem, incident):
    assert not known_errors_for(incident).exists()
