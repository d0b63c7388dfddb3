"""Over the limit the form comes back with the input kept, a friendly message and 429."""

import pytest

from incidents.models import Incident

pytestmark = pytest.mark.django_db


def test_per_user_limit(portal, service, report_data, settings):
    settings.PORTAL_REPORT_RATE_USER = "3/h"
    for i in range(3):
        assert portal.post(f"/report/{service.pk}/", report_data(title=f"n{i}")).status_code == 302
    # "check" re-renders and invalid forms do not count toward the user's limit
    portal.post(f"/report/{service.pk}/", report_data(check="1"))
    response = portal.post(f"/report/{service.pk}/", report_data(title="The fourth one"))
    page = response.content.decode()
    assert response.status_code == 429
    assert "You have reported 3 incidents in the last hour" in page
    assert 'value="The fourth one"' in page
    assert Incident.objects.count() == 3


def test_check_and_invalid_forms_do_not_use_up_the_user_limit(
    portal, service, report_data, settings
):
    settings.PORTAL_REPORT_RATE_USER = "1/h"
    for _ in range(3):
        portal.post(f"/report/{service.pk}/", report_data(check="1"))
        portal.post(f"/report/{service.pk}/", report_data(title=""))
    assert portal.post(f"/report/{service.pk}/", report_data()).status_code == 302


def test_per_ip_limit_counts_every_submission(caller, stranger, service, report_data, settings):
    from tests.portal.conftest import signed_in

    settings.PORTAL_REPORT_RATE_IP = "4/h"
    one, two = signed_in(caller), signed_in(stranger)
    ip = {"REMOTE_ADDR": "203.0.113.9"}
    assert one.post(f"/report/{service.pk}/", report_data(title=""), **ip).status_code == 200
    assert one.post(f"/report/{service.pk}/", report_data(), **ip).status_code == 302
    assert two.post(f"/report/{service.pk}/", report_data(), **ip).status_code == 302
    assert two.post(f"/report/{service.pk}/", report_data(), **ip).status_code == 302
    response = two.post(f"/report/{service.pk}/", report_data(title="Fifth"), **ip)
    assert response.status_code == 429
    assert "Too many reports came from your network in the last hour" in response.content.decode()
    assert 'value="Fifth"' in response.content.decode()
    assert Incident.objects.count() == 3
    # another address is not affected
    other = two.post(f"/report/{service.pk}/", report_data(), REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302
