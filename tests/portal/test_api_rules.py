"""The API shares the portal's rules: end users report on public services only."""

import pytest

from incidents.models import Incident

pytestmark = pytest.mark.django_db


def test_end_user_may_not_report_on_an_internal_service(caller_api, internal_service):
    response = caller_api.post(
        "/api/v1/incidents/", {"title": "Payroll", "service": internal_service.pk}, format="json"
    )
    assert response.status_code == 400
    assert "service" in response.json()["errors"]
    assert not Incident.objects.exists()


def test_end_user_reports_on_a_public_service(caller_api, service):
    response = caller_api.post(
        "/api/v1/incidents/", {"title": "Mail", "service": service.pk}, format="json"
    )
    assert response.status_code == 201


def test_agents_may_log_on_internal_services(agent_api, internal_service, caller):
    response = agent_api.post(
        "/api/v1/incidents/",
        {"title": "Payroll", "service": internal_service.pk, "caller": caller.pk},
        format="json",
    )
    assert response.status_code == 201
