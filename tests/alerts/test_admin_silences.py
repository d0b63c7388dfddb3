"""Agents add silences; the form says what is wrong beside the field, and the list tells
the silences active now from the others."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.models import Silence
from tests.admin.conftest import client_for

pytestmark = pytest.mark.django_db

ADD = "admin:alerts_silence_add"


def form(**fields):
    now = timezone.localtime()
    data = {
        "matchers": '{"env": "staging"}',
        "starts_at_0": f"{now:%Y-%m-%d}",
        "starts_at_1": f"{now:%H:%M:%S}",
        "ends_at_0": f"{now + timedelta(hours=2):%Y-%m-%d}",
        "ends_at_1": f"{now + timedelta(hours=2):%H:%M:%S}",
        "reason": "Staging is being rebuilt",
    }
    data.update(fields)
    return data


def test_an_agent_adds_a_silence_as_its_author(agent):
    answer = client_for(agent).post(reverse(ADD), form())

    assert answer.status_code == 302, answer.content
    silence = Silence.objects.get()
    assert silence.created_by == agent
    assert silence.matchers == {"env": "staging"}
    assert silence.history.get().history_user == agent


def errors_of(answer) -> str:
    assert answer.status_code == 200
    return answer.content.decode()


def test_a_silence_that_ends_before_it_starts_is_refused_beside_the_field(agent):
    now = timezone.localtime()
    answer = client_for(agent).post(
        reverse(ADD),
        form(
            ends_at_0=f"{now - timedelta(hours=1):%Y-%m-%d}",
            ends_at_1=f"{now - timedelta(hours=1):%H:%M:%S}",
        ),
    )

    assert "A silence ends after it starts." in errors_of(answer)
    assert not Silence.objects.exists()


def test_a_silence_of_nothing_is_refused(agent):
    answer = client_for(agent).post(reverse(ADD), form(matchers="{}"))

    assert "a silence of nothing" in errors_of(answer)
    assert not Silence.objects.exists()


def test_matchers_must_be_labels_and_values(agent):
    answer = client_for(agent).post(reverse(ADD), form(matchers='["env"]'))

    assert "Give label names and the values" in errors_of(answer)
    assert not Silence.objects.exists()


def test_the_active_now_filter(agent, service):
    now = timezone.now()
    Silence.objects.create(
        service=service,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        reason="Now on",
    )
    Silence.objects.create(
        service=service,
        starts_at=now - timedelta(hours=3),
        ends_at=now - timedelta(hours=2),
        reason="Long over",
    )
    Silence.objects.create(
        service=service,
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=2),
        reason="Next week",
    )
    client = client_for(agent)

    def shown(value):
        page = client.get(
            reverse("admin:alerts_silence_changelist"), {"active": value}
        ).content.decode()
        return {reason for reason in ("Now on", "Long over", "Next week") if reason in page}

    assert shown("now") == {"Now on"}
    assert shown("over") == {"Long over"}
    assert shown("upcoming") == {"Next week"}
