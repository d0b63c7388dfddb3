"""The "Imported from" panel names the file an incident came from, never where it lay on
the server: agents have no business with the server's directories."""

import pytest
from django.urls import reverse

from imports.engine import import_incidents
from incidents.models import Incident
from tests.admin.conftest import client_for
from tests.imports.cases import OPTIONS, ListFormat, closed_case

pytestmark = pytest.mark.django_db


def test_the_panel_shows_the_file_name_without_the_servers_path(agent):
    case = closed_case("INC0900007")
    case.path = "/srv/imports/2026/servicenow_incident_event_log.csv.gz"
    import_incidents(ListFormat([case]), [], options=OPTIONS)
    incident = Incident.objects.get(number="INC0900007")
    page = client_for(agent).get(reverse("admin:incidents_incident_change", args=[incident.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "INC0900007, servicenow_incident_event_log.csv.gz line 2" in text
    assert "/srv/imports" not in text
