"""Incident mail to a caller who is not staff links to the portal's page (they cannot open
the admin); agents' mail still links to the admin."""

import pytest

from notifications.enums import Channel
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_caller_link_is_the_portal_agent_link_is_the_admin(incident, caller, other_agent):
    to_caller = Notification.objects.get(recipient=caller, channel=Channel.EMAIL)
    to_agent = Notification.objects.get(recipient=other_agent, channel=Channel.EMAIL)
    assert to_caller.url.endswith(f"/incidents/{incident.number}/")
    assert "/admin/" not in to_caller.url
    assert to_agent.url.endswith(f"/admin/incidents/incident/{incident.pk}/change/")
