"""A level's delay is the time people get to acknowledge before the next is paged: zero or
negative paged the whole ladder at once. At least ESCALATION_MIN_DELAY_SECONDS (a minute)
in the console, and never under a second in the database, whatever writes it."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from accounts.models import User
from oncall.models import EscalationLevel, EscalationPolicy

pytestmark = pytest.mark.django_db

ADD = "/admin/oncall/escalationpolicy/add/"


@pytest.fixture
def console() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.com", "x"))
    return client


def policy_form(agent: User, delay: str) -> dict[str, str]:
    return {
        "name": "Major incidents",
        "page_priorities": "[1]",
        "page_severities": "[]",
        "repeat": "0",
        "is_active": "on",
        "levels-TOTAL_FORMS": "1",
        "levels-INITIAL_FORMS": "0",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "1000",
        "levels-0-position": "0",
        "levels-0-delay": delay,
        "levels-0-user": str(agent.pk),
    }


@pytest.mark.parametrize("delay", ["0", "-00:05:00", "00:00:30"])
def test_the_console_refuses_a_delay_under_a_minute(console, agent, delay):
    page = console.post(ADD, policy_form(agent, delay))
    assert page.status_code == 200
    assert "Wait at least 1 minute before paging the next level" in page.content.decode()
    assert not EscalationPolicy.objects.exists()


def test_a_minute_is_accepted_and_the_setting_lowers_it(console, agent, settings):
    assert console.post(ADD, policy_form(agent, "00:01:00")).status_code == 302
    assert EscalationLevel.objects.get().delay == timedelta(minutes=1)

    settings.ESCALATION_MIN_DELAY_SECONDS = 1
    form = {**policy_form(agent, "00:00:02"), "name": "Drill"}
    assert console.post(ADD, form).status_code == 302
    assert EscalationLevel.objects.get(policy__name="Drill").delay == timedelta(seconds=2)


@pytest.mark.parametrize("delay", [timedelta(0), timedelta(minutes=-5)])
def test_the_database_refuses_what_skips_validation(agent, delay):
    policy = EscalationPolicy.objects.create(name="Imported")
    with pytest.raises(IntegrityError), transaction.atomic():
        EscalationLevel.objects.create(policy=policy, user=agent, delay=delay)
