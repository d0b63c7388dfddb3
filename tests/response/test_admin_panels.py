"""The incident form's major-incident panels and their forms, the suggestion to link an
incident of the same service as a child, the bulk action, and the timeline page's stars."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from incidents.major import role_holder
from incidents.models import Incident
from response.models import StakeholderUpdate, TimelineStar
from response.updates import stakeholder_add
from tests.admin.conftest import change_url, changelist_url

pytestmark = pytest.mark.django_db


def major_lead(incident):
    return role_holder(incident, "communications")


def page(name, incident):
    return reverse(f"admin:response_{name}", args=[incident.pk])


def said(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_major_incident_shows_its_panels(agent_client, major, stranger):
    stakeholder_add(major, by=major_lead(major), user=stranger)
    html = agent_client.get(change_url(major)).content.decode()
    for heading in ("Major incident", "Stakeholder updates", "Milestones"):
        assert f"<h2>{heading}</h2>" in html
    assert "Communications lead" in html or "communications" in html.lower()
    assert page("update", major) in html and page("scribe", major) in html
    assert 'name="update-body"' in html and 'name="scribe-at"' in html
    assert f"Stakeholders: {stranger}" in html


def test_posting_an_update_from_the_panel(agent_client, major):
    answer = agent_client.post(
        page("update", major), {"update-audience": "0", "update-body": "Mail flows again."}
    )
    assert answer.status_code == 302 and answer["Location"] == change_url(major)
    update = StakeholderUpdate.objects.get()
    assert update.body == "Mail flows again." and update.audience == "internal"
    assert any("update posted" in message for message in said(answer))


def test_a_refusal_comes_back_as_a_message(other_agent, major, client):
    client.force_login(other_agent)
    answer = client.post(page("update", major), {"update-audience": "0", "update-body": "x"})
    assert answer.status_code == 302
    assert any("Only the communications lead" in message for message in said(answer))
    assert not StakeholderUpdate.objects.exists()


def test_assigning_a_role_and_writing_down_an_event(manager_client, major, other_agent):
    answer = manager_client.post(
        page("assign", major), {"assign-role": "scribe", "assign-user": other_agent.pk}
    )
    assert answer.status_code == 302, said(answer)
    at = (timezone.now() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S")
    manager_client.post(page("scribe", major), {"scribe-at": at, "scribe-body": "DB failover"})
    assert major.timeline.filter(verb="role_assigned", data__role="scribe").exists()
    assert major.timeline.get(verb="scribe").body == "DB failover"


def test_the_same_service_suggests_linking_as_a_child(agent_client, major, make_incident):
    other = make_incident(title="Outlook cannot connect")
    html = agent_client.get(change_url(other)).content.decode()
    assert "Open major incident on this service" in html and major.number in html

    answer = agent_client.post(page("link", other), {"link-parent": major.pk})

    assert answer.status_code == 302, said(answer)
    assert Incident.objects.get(pk=other.pk).major_incident_id == major.pk


def test_the_bulk_action_links_the_selected_incidents(agent_client, major, make_incident):
    children = [make_incident(title=f"Mail down {n}") for n in range(2)]
    selected = [str(child.pk) for child in children]
    asked = agent_client.post(
        changelist_url(), {"action": "link_to_major_incident", "_selected_action": selected}
    )
    assert asked.status_code == 200 and "Link to a major incident" in asked.content.decode()

    done = agent_client.post(
        changelist_url(),
        {
            "action": "link_to_major_incident",
            "_selected_action": selected,
            "apply": "1",
            "parent": major.pk,
        },
    )

    assert done.status_code == 302
    assert Incident.objects.filter(major_incident=major).count() == 2
    assert any("Linked 2 incident(s)" in message for message in said(done))


def test_the_timeline_page_stars_items(agent_client, major):
    entry = major.timeline.get(verb="declare")
    html = agent_client.get(page("timeline", major)).content.decode()
    assert "Declared a major incident" in html and 'style="' not in html.split("<body")[1]

    answer = agent_client.post(
        page("timeline", major), {"key": f"entry:{entry.pk}", "starred": "1"}
    )

    assert answer.status_code == 302
    assert TimelineStar.objects.get().key == f"entry:{entry.pk}"
