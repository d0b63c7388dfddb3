"""Every error next to its field, a summary linking to the fields, the input kept."""

import pytest

from incidents.models import Incident
from tests.portal.samples import png, upload

pytestmark = pytest.mark.django_db


def test_errors_sit_next_to_their_fields_and_the_input_stays(portal, service, report_data):
    data = report_data(title="", description="It broke at 9:00 ☕", who="", can_work="no")
    response = portal.post(f"/report/{service.pk}/", data)
    page = response.content.decode()
    assert response.status_code == 200 and not Incident.objects.exists()
    # the summary links to each field
    assert 'class="error-summary"' in page
    assert 'href="#id_title">Say in a few words what is broken.' in page
    assert 'href="#id_who">Say who is affected.' in page
    # the field says it is invalid and points at its message
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_title_helptext id_title_error"' in page
    assert '<ul class="errorlist" id="id_title_error">' in page
    assert 'aria-describedby="id_who_error"' in page
    # what the user typed is still there
    assert "It broke at 9:00 ☕</textarea>" in page
    assert 'value="no" id="id_can_work_1" required checked' in page


def test_title_and_description_limits(portal, service, report_data):
    page = portal.post(
        f"/report/{service.pk}/", report_data(title="x" * 201, description="y" * 50_001)
    ).content.decode()
    assert "at most 200 characters (it has 201)" in page
    assert "at most 50000 characters (it has 50001)" in page
    assert not Incident.objects.exists()


def test_files_must_be_chosen_again_after_an_error(portal, service, report_data):
    data = report_data(title="", files=[upload("shot.png", png())])
    page = portal.post(f"/report/{service.pk}/", data).content.decode()
    assert "please choose your files again" in page
    assert not Incident.objects.exists()
