"""Managers shape SLA definitions in the admin: conditions as ticks and pickers, targets
in the unit they choose, pause reasons as ticks; each save leaves a history row. Agents
may look but not change."""

from django.test import Client
from django.urls import reverse

from sla.models import SlaDefinition


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_manager_adds_a_definition_with_ticks(manager, office, service):
    client = _client(manager)
    add = reverse("admin:sla_sladefinition_add")
    page = client.get(add)
    assert page.status_code == 200
    html = page.content.decode()
    # Ticks, not JSON boxes; the two default pause reasons ticked.
    assert 'type="checkbox" name="priorities" value="1"' in html
    assert 'type="checkbox" name="pause_hold_reasons" value="awaiting_caller"' in html
    assert html.count("checked") >= 2
    response = client.post(
        add,
        {
            "name": "P1 and P2 on Email",
            "order": "10",
            "is_active": "on",
            "priorities": ["1", "2"],
            "services": [str(service.pk)],
            "calendar": str(office.pk),
            "unit": "business_days",
            "resolution_target": "2",
            "pause_hold_reasons": ["awaiting_caller", "awaiting_evidence"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    definition = SlaDefinition.objects.get(name="P1 and P2 on Email")
    assert definition.priorities == [1, 2] and definition.severities == []
    assert definition.pause_hold_reasons == ["awaiting_caller", "awaiting_evidence"]
    assert definition.target_seconds("resolution", office.business_day) == 2 * 8 * 3600
    assert definition.response_target is None
    assert list(definition.services.all()) == [service]
    assert {row.history_user for row in definition.history.all()} == {manager}

    listing = client.get(reverse("admin:sla_sladefinition_changelist")).content.decode()
    assert "P1, P2; Email" in listing and "2 business days" in listing


def test_a_definition_needs_a_target(manager, office):
    response = _client(manager).post(
        reverse("admin:sla_sladefinition_add"),
        {"name": "Nothing", "order": "1", "calendar": str(office.pk), "unit": "hours"},
    )
    assert response.status_code == 200
    assert "Give at least one target." in response.content.decode()
    assert not SlaDefinition.objects.exists()


def test_an_agent_may_read_but_not_change(agent, office, define):
    definition = define("P3", office, priorities=[3], resolution_target=8)
    client = _client(agent)
    assert client.get(reverse("admin:sla_sladefinition_changelist")).status_code == 200
    url = reverse("admin:sla_sladefinition_change", args=[definition.pk])
    client.post(url, {"name": "Changed", "order": "1", "calendar": str(office.pk)})
    definition.refresh_from_db()
    assert definition.name == "P3"
    assert client.get(reverse("admin:sla_sladefinition_add")).status_code == 403
