"""The change console: a normal change walked through the move pages, forbidden moves
refused with a message, the approver's queue and decision pages, conflicts on the form,
the calendar, the failure rate on the list and the cross links."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from changes.models import BlackoutWindow, Change, Status
from tests.admin.conftest import change_url, client_for, messages_of
from tests.factories import CHANGE_FORBIDDEN, CHANGE_INPUTS

pytestmark = pytest.mark.django_db


def change_admin_url(change, view: str = "change", *args) -> str:
    return reverse(f"admin:changes_change_{view}", args=[change.pk, *args])


def test_a_normal_change_through_the_console(agent_client, other_agent, make_change):
    change = make_change()
    approver = client_for(other_agent)
    for name in ("assess", "authorize"):
        assert agent_client.post(change_admin_url(change, "move", name), {}).status_code == 302
    queue = approver.get(reverse("admin:changes_change_changelist"), {"approval": "mine"})
    assert change.number in queue.content.decode()
    page = approver.get(change_admin_url(change)).content.decode()
    assert change_admin_url(change, "decide", "approve") in page
    response = approver.post(change_admin_url(change, "decide", "approve"), {"comment": "OK"})
    assert "approved" in " ".join(messages_of(response))
    for name in ("schedule", "implement", "review", "close"):
        response = agent_client.post(change_admin_url(change, "move", name), CHANGE_INPUTS[name])
        assert response.status_code == 302, name
    change.refresh_from_db()
    assert change.status == Status.CLOSED


def test_self_approval_refused_in_the_admin(agent_client, change_in):
    change = change_in(Status.AUTHORIZE)
    assert (
        change_admin_url(change, "decide", "approve")
        not in agent_client.get(change_admin_url(change)).content.decode()
    )
    response = agent_client.post(change_admin_url(change, "decide", "approve"), {})
    assert any("own change" in m for m in messages_of(response))
    assert change.approvals.get().state == "requested"


def test_rejection_in_the_admin_needs_a_comment(other_agent, change_in):
    change = change_in(Status.AUTHORIZE)
    client = client_for(other_agent)
    page = client.post(change_admin_url(change, "decide", "reject"), {"comment": ""})
    assert page.status_code == 200 and "comment" in page.context["form"].errors
    client.post(change_admin_url(change, "decide", "reject"), {"comment": "Not now"})
    change.refresh_from_db()
    assert change.status == Status.NEW


@pytest.mark.parametrize(("kind", "status", "name"), CHANGE_FORBIDDEN[::4])
def test_forbidden_moves_refused_with_a_message(manager_client, change_in, kind, status, name):
    change = change_in(status, type=kind)
    before = change.history.count(), change.timeline.count()
    response = manager_client.post(change_admin_url(change, "move", name), CHANGE_INPUTS[name])
    assert response.status_code == 302
    assert any("Cannot" in m for m in messages_of(response))
    change.refresh_from_db()
    assert (change.status, change.history.count(), change.timeline.count()) == (status, *before)


def test_conflict_shown_and_refused(agent_client, change_in, make_change):
    booked = change_in(Status.SCHEDULED, type="standard")
    change = make_change(
        type="standard", planned_start=booked.planned_start, planned_end=booked.planned_end
    )
    page = agent_client.get(change_admin_url(change)).content.decode()
    assert "Scheduling conflicts" in page and booked.number in page
    response = agent_client.post(change_admin_url(change, "move", "schedule"), {})
    assert any("conflicts with" in m for m in messages_of(response))
    change.refresh_from_db()
    assert change.status == Status.NEW


@pytest.mark.parametrize("view", ["month", "week"])
def test_calendar(agent_client, change_in, service, view):
    change = change_in(Status.SCHEDULED, type="standard")
    start = change.planned_start
    BlackoutWindow.objects.create(name="Freeze", start=start, end=start + timedelta(hours=1))
    url = reverse("admin:changes_change_calendar")
    params = {"view": view, "date": timezone.localtime(start).date().isoformat()}
    page = agent_client.get(url, params).content.decode()
    assert change.number in page and "Freeze" in page
    assert f"</span> {change.title} <span" in page  # the title, not only the number
    other = agent_client.get(url, {**params, "service": service.pk + 1000}).content.decode()
    assert change.number not in other and "Freeze" in other  # a global freeze shows everywhere


def test_failure_rate_on_the_list_and_cross_links(agent_client, change_in, incident, agent):
    from changes.links import change_link_incident

    change = change_in(Status.CLOSED, type="standard")
    change_link_incident(change, incident, by=agent)
    page = agent_client.get(reverse("admin:changes_change_changelist")).content.decode()
    assert "Change failure rate" in page and "1 of 1" in page
    assert change.number in agent_client.get(change_url(incident)).content.decode()
    assert incident.number in agent_client.get(change_admin_url(change)).content.decode()


def test_mark_incidents_caused_by_a_change(agent_client, make_incident, change_in):
    change = change_in(Status.IMPLEMENT, type="standard")
    incidents = [make_incident(), make_incident()]
    agent_client.post(
        reverse("admin:incidents_incident_changelist"),
        {
            "action": "mark_caused_by_change",
            "_selected_action": [i.pk for i in incidents],
            "apply": "1",
            "change": change.pk,
        },
    )
    assert set(Change.objects.get(pk=change.pk).caused_incidents.all()) == set(incidents)
