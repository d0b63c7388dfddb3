"""`make run` loads the demo desk once: every state, real timelines, the printed logins work."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from incidents.models import Incident, Status


@pytest.mark.django_db
def test_demo_desk_loads_once_with_every_state(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "admin / servicedesk-demo" in out
    assert Incident.objects.count() == 200
    assert set(Incident.objects.values_list("status", flat=True)) == set(Status.values)
    assert not Incident.objects.filter(timeline__verb="created").count() < 200
    assert authenticate(username="admin", password="servicedesk-demo").is_superuser
    assert authenticate(username="sam", password="agent-demo").is_agent

    call_command("load_demo")
    assert "loaded already" in capsys.readouterr().out
    assert Incident.objects.count() == 200


@pytest.mark.django_db
def test_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("load_demo")
