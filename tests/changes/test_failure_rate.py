"""The change failure rate: the share of closed changes that caused at least one
incident, computed in one query."""

import pytest

from changes.links import change_link_incident
from changes.models import Change, Status
from changes.queries import failure_rate
from kernel.errors import MoveNotAllowed

pytestmark = pytest.mark.django_db


def test_share_of_closed_changes_that_caused_an_incident(
    change_in, make_incident, agent, django_assert_num_queries
):
    failed, _, _ = (change_in(Status.CLOSED, type="standard") for _ in range(3))
    open_one = change_in(Status.IMPLEMENT, type="standard")
    change_link_incident(failed, make_incident(), by=agent)
    change_link_incident(failed, make_incident(), by=agent)  # still one failed change
    change_link_incident(open_one, make_incident(), by=agent)  # not closed: not counted
    with django_assert_num_queries(1):
        rate = failure_rate()
    assert (rate.closed, rate.failed, rate.rate) == (3, 1, 1 / 3)
    assert failure_rate(Change.objects.none()).rate is None


def test_an_incident_has_one_causing_change(change_in, incident, agent):
    first, second = (change_in(Status.CLOSED, type="standard") for _ in range(2))
    change_link_incident(first, incident, by=agent)
    with pytest.raises(MoveNotAllowed, match="caused by"):
        change_link_incident(second, incident, by=agent)
    assert incident.timeline.filter(verb="caused_by_change").count() == 1
