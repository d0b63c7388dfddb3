"""A level's delay is the time people get to acknowledge before the next is paged: zero or
negative paged the whole ladder at once. At least ESCALATION_MIN_DELAY_SECONDS (a minute)
in the console, where it is typed in minutes, and never under a second in the database,
whatever writes it."""

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
        "page_priorities": "1",
        "repeat": "0",
        "is_active": "on",
        "levels-TOTAL_FORMS": "1",
        "levels-INITIAL_FORMS": "0",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "1000",
        "levels-0-delay": delay,
        "levels-0-user": str(agent.pk),
    }


@pytest.mark.parametrize("delay", ["0", "-5"])
def test_the_console_refuses_a_delay_under_a_minute(console, agent, delay):
    page = console.post(ADD, policy_form(agent, delay))
    assert page.status_code == 200
    assert "Wait at least 1 minute before paging the next level" in page.content.decode()
    assert not EscalationPolicy.objects.exists()


def test_the_old_duration_format_is_refused(console, agent):
    page = console.post(ADD, policy_form(agent, "00:15:00"))
    assert page.status_code == 200 and "Enter a whole number." in page.content.decode()


def test_a_minute_is_accepted_and_the_setting_raises_it(console, agent, settings):
    assert console.post(ADD, policy_form(agent, "1")).status_code == 302
    assert EscalationLevel.objects.get().delay == timedelta(minutes=1)

    settings.ESCALATION_MIN_DELAY_SECONDS = 600
    form = {**policy_form(agent, "5"), "name": "Drill"}
    page = console.post(ADD, form)
    assert "Wait at least 10 minutes before paging the next level" in page.content.decode()
    assert console.post(ADD, {**form, "levels-0-delay": "10"}).status_code == 302


@pytest.mark.parametrize("delay", [timedelta(0), timedelta(minutes=-5)])
def test_the_database_refuses_what_skips_validation(agent, delay):
    policy = EscalationPolicy.objects.create(name="Imported")
    with pytest.raises(IntegrityError), transaction.atomic():
        EscalationLevel.objects.create(policy=policy, user=agent, delay=delay)
