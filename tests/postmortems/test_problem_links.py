"""A root cause or an action item opens a problem in one click: pre-filled, the problem
linked to the incident, the postmortem or item pointing at the problem, and the problem's
page listing both."""

import pytest
from django.urls import reverse

from kernel.errors import MoveNotAllowed
from postmortems.action_items import action_item_create
from postmortems.problem_links import problem_open_for_item, problem_open_for_root_cause
from postmortems.workflow import postmortem_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_cause(postmortem, agent):
    return postmortem_update(
        postmortem, by=agent, changes={"root_causes": "The queue has no size limit."}
    )


def test_a_root_cause_opens_a_problem_linked_both_ways(with_cause, agent):
    problem = problem_open_for_root_cause(with_cause, by=agent)

    with_cause.refresh_from_db()
    assert with_cause.problem == problem
    assert "The queue has no size limit." in problem.description
    assert problem.service == with_cause.incident.service
    assert list(problem.incidents.all()) == [with_cause.incident]
    assert with_cause.timeline.get(verb="problem_opened").data == {"problem": problem.number}
    assert with_cause.history.latest("history_id").history_change_reason.startswith("Problem")
    with pytest.raises(MoveNotAllowed, match="already"):
        problem_open_for_root_cause(with_cause, by=agent)


def test_an_action_item_opens_its_own_problem(with_cause, agent, other_agent):
    first = problem_open_for_root_cause(with_cause, by=agent)
    item = action_item_create(with_cause, by=agent, title="Cap the queue", owner=other_agent)

    problem = problem_open_for_item(item, by=agent)

    item.refresh_from_db()
    assert item.problem == problem
    assert problem.title == "Cap the queue"
    # The incident keeps its first problem: one problem per incident.
    assert list(with_cause.incident.problems.all()) == [first]


def test_the_problem_page_lists_the_postmortem_and_the_item(
    with_cause, agent, other_agent, agent_client
):
    problem = problem_open_for_root_cause(with_cause, by=agent)
    item = action_item_create(
        with_cause, by=agent, title="Cap the queue", owner=other_agent, problem=problem
    )

    page = agent_client.get(reverse("admin:problems_problem_change", args=[problem.pk]))

    assert page.status_code == 200
    assert "From postmortems" in page.text
    assert with_cause.number in page.text
    assert item.title in page.text


def test_opening_needs_the_right_to_log_problems(with_cause, stranger):
    from kernel.errors import MoveForbidden

    with pytest.raises(MoveForbidden):
        problem_open_for_root_cause(with_cause, by=stranger)
