"""The incident's starred timeline items become the postmortem's key events, in event
order, with what happened, who wrote it and when (a scribe's stated time)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Status as IncidentStatus
from postmortems.export import markdown
from postmortems.workflow import postmortem_create_for
from response.timeline import scribe_entry_add, timeline_of, timeline_star

pytestmark = pytest.mark.django_db


def test_starred_items_are_the_key_events(incident_in, agent, agent_client):
    incident = incident_in(IncidentStatus.RESOLVED, title="Mail down", severity=1)
    at = (timezone.now() - timedelta(hours=2)).replace(microsecond=0)
    scribe_entry_add(incident, by=agent, at=at, body="Rolled back deploy 4711")
    scribe_entry_add(incident, by=agent, at=at + timedelta(minutes=5), body="Not starred")
    rolled_back = next(item for item in timeline_of(incident) if item.body.startswith("Rolled"))
    resolved = next(item for item in timeline_of(incident) if item.kind == "resolve")
    for item in (resolved, rolled_back):
        timeline_star(incident, by=agent, key=item.key)

    postmortem = postmortem_create_for(incident, by=agent)

    events = postmortem.key_events
    assert [event["body"] for event in events] == ["Rolled back deploy 4711", resolved.body]
    assert events[0]["at"] == at.isoformat()
    assert events[0]["author"] == str(agent)
    assert "Rolled back deploy 4711" in markdown(postmortem)
    page = agent_client.get(reverse("admin:postmortems_postmortem_change", args=[postmortem.pk]))
    assert "Rolled back deploy 4711" in page.text
