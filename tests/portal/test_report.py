"""Reporting an incident: the service picker, the plain-words priority, the incident the
workflow creates, and only public active services offered and accepted."""

import pytest

from incidents.models import Incident, Source, Status

pytestmark = pytest.mark.django_db


def test_picker_lists_public_active_services_and_filters(portal, service, internal_service):
    from catalog.models import Service

    Service.objects.create(name="Old fax", owner_team=service.owner_team, is_active=False)
    page = portal.get("/report/").content.decode()
    assert "Email" in page and "Payroll batch" not in page and "Old fax" not in page
    assert "Email" not in portal.get("/report/?q=vpn").content.decode().split("<main")[1]
    assert f"/report/{service.pk}/" in portal.get("/report/?q=mai").content.decode()


def test_non_public_service_is_404(portal, internal_service, report_data):
    assert portal.get(f"/report/{internal_service.pk}/").status_code == 404
    assert portal.post(f"/report/{internal_service.pk}/", report_data()).status_code == 404
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("who", "can_work", "impact", "urgency", "priority"),
    [
        ("me", "workaround", 3, 2, 4),  # one person with a workaround: Low, never Planning
        ("me", "no", 3, 1, 3),
        ("team", "no", 2, 1, 2),
        ("everyone", "no", 1, 1, 1),
        ("everyone", "workaround", 1, 2, 2),
    ],
)
def test_plain_words_become_impact_and_urgency(
    portal, caller, service, report_data, who, can_work, impact, urgency, priority
):
    response = portal.post(f"/report/{service.pk}/", report_data(who=who, can_work=can_work))
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/incidents/{incident.number}/"
    assert (incident.impact, incident.urgency, incident.priority) == (impact, urgency, priority)
    assert incident.caller == caller and incident.source == Source.PORTAL
    assert incident.service == service and incident.status == Status.NEW
    assert incident.assignment_group == service.owner_team
    assert incident.contact == "By email: carl@example.com"
    logged = incident.history.earliest("history_id")
    assert (logged.history_user, logged.history_change_reason) == (caller, "Logged")
    assert incident.timeline.earliest("id").verb == "created"
    # A P1 is a major incident by itself: the system declares it; a caller commands nothing.
    assert incident.is_major is (priority == 1)
    assert not incident.roles.exists()
    assert incident.number in portal.get(response["Location"]).content.decode()


def test_phone_contact_goes_into_contact_in_words(portal, service, report_data):
    portal.post(f"/report/{service.pk}/", report_data(contact_by="phone", phone="+44 20 7946 0000"))
    assert Incident.objects.get().contact == "By phone: +44 20 7946 0000"


def test_phone_chosen_without_number_is_refused_next_to_the_field(portal, service, report_data):
    response = portal.post(f"/report/{service.pk}/", report_data(contact_by="phone"))
    page = response.content.decode()
    assert 'id="id_phone_error"' in page and "Give the number to call" in page
    assert not Incident.objects.exists()
