"""An integration's secret is shown once, on the page answering its creation or its
rotation, and never again; the change page says where to send and what to paste."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from alerts.models import Integration, RoutingRule
from tests.admin.conftest import client_for
from tests.alerts import rows

pytestmark = pytest.mark.django_db

ADD = "admin:alerts_integration_add"


def add_form(**fields):
    data = {
        "name": "Prometheus",
        "kind": "alertmanager",
        "group_by": "alert",
        "group_labels": "[]",
        "resolve_incidents": "on",
        "enabled": "on",
        "auth": "token",
        "signature_header": "X-Signature-256",
        "flap_changes": "4",
        "flap_minutes": "30",
        "rules-TOTAL_FORMS": "1",
        "rules-INITIAL_FORMS": "0",
        "rules-0-position": "0",
        "rules-0-label": "severity",
        "rules-0-value": "critical",
        "rules-0-impact": "1",
        "rules-0-urgency": "1",
    }
    data.update(fields)
    return data


def test_a_new_integrations_secret_is_shown_once(manager, service, settings):
    settings.SITE_URL = "https://desk.example.com"
    client = client_for(manager)

    answer = client.post(reverse(ADD), add_form(service=service.pk))

    assert answer.status_code == 200, answer.content
    integration = Integration.objects.get(name="Prometheus")
    page = answer.content.decode()
    assert integration.secret in page
    assert f"https://desk.example.com/api/v1/integrations/{integration.key}/alerts/" in page
    assert f"credentials: {integration.secret}" in page  # the snippet, filled in
    assert RoutingRule.objects.get(integration=integration).impact == 1
    # Every later page shows the hint only, with the URL and the snippet to paste.
    change = client.get(reverse("admin:alerts_integration_change", args=[integration.pk]))
    shown = change.content.decode()
    assert integration.secret not in shown
    assert integration.secret_hint() in shown
    assert integration.path in shown and "webhook_configs" in shown
    assert "Rotate secret" in shown
    assert (
        integration.secret
        not in client.get(reverse("admin:alerts_integration_changelist")).content.decode()
    )


def test_rotating_the_secret_shows_the_new_one_once_and_logs_it(manager):
    integration = rows.integration()
    old = integration.secret
    client = client_for(manager)
    url = reverse("admin:alerts_integration_rotate_secret", args=[integration.pk])

    assert "Rotate secret" in client.get(url).content.decode()
    integration.refresh_from_db()
    assert integration.secret == old  # asking is not rotating

    answer = client.post(url)

    integration.refresh_from_db()
    assert integration.secret != old
    assert integration.secret in answer.content.decode()
    assert old not in answer.content.decode()
    assert LogEntry.objects.filter(
        object_id=str(integration.pk), change_message="Rotated the secret."
    ).exists()
    latest = integration.history.latest()
    assert latest.history_user == manager
    assert not hasattr(latest, "secret")  # the history never keeps a secret


def test_an_agent_sees_integrations_but_cannot_rotate_a_secret(agent):
    integration = rows.integration()
    client = client_for(agent)

    page = client.get(reverse("admin:alerts_integration_change", args=[integration.pk]))
    refused = client.post(reverse("admin:alerts_integration_rotate_secret", args=[integration.pk]))

    assert page.status_code == 200
    assert integration.secret not in page.content.decode()
    assert "Rotate secret" not in page.content.decode()
    assert refused.status_code == 403
    before = integration.secret
    integration.refresh_from_db()
    assert integration.secret == before


def test_an_events_v2_integration_shows_a_curl_call(manager):
    integration = rows.integration("Uptime checks", kind="events_v2")

    page = client_for(manager).get(
        reverse("admin:alerts_integration_change", args=[integration.pk])
    )

    assert "curl -X POST" in page.content.decode()
    assert "webhook_configs" not in page.content.decode()


@pytest.mark.parametrize(
    ("group_by", "labels", "message"),
    [
        ("labels", "[]", "Name the labels whose alerts share an incident."),
        ("labels", '"alertname"', "Give a list of label names"),
        ("alert", '{"alertname": 1}', "Give a list of label names"),
    ],
)
def test_grouping_labels_are_a_list_of_names(manager, group_by, labels, message):
    answer = client_for(manager).post(
        reverse(ADD), add_form(group_by=group_by, group_labels=labels)
    )

    assert answer.status_code == 200
    assert message in answer.content.decode()
    assert not Integration.objects.exists()
