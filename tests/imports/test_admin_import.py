"""In the agents' console: an imported incident's change form says where it came from
(number, line, the source's columns we keep as recorded, its counters beside ours), and
managers read the log of import runs, which nobody edits."""

import pytest
from django.urls import reverse

from imports.engine import import_incidents
from imports.models import ImportRun
from incidents.models import Incident
from tests.admin.conftest import client_for
from tests.imports.cases import OPTIONS, ListFormat, closed_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported():
    import_incidents(
        ListFormat(
            [
                closed_case(
                    "INC0900001",
                    counters={"reassignments": 4, "reopens": 0},
                    attributes={"u_symptom": "Symptom 491", "knowledge": "false"},
                    problems=("Problem ID 3",),
                )
            ]
        ),
        [],
        options=OPTIONS,
    )
    return Incident.objects.get(number="INC0900001")


def test_the_change_form_shows_where_the_incident_came_from(imported, agent):
    page = client_for(agent).get(reverse("admin:incidents_incident_change", args=[imported.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Imported from testlist" in text
    assert "INC0900001, test.csv line 2" in text
    assert "source 4, ours 0 (differ)" in text
    assert "Symptom 491" in text and "u_symptom" in text
    assert "Problem ID 3 = PRB" in text


def test_managers_read_the_log_of_runs_and_nobody_edits_it(imported, manager):
    client = client_for(manager)
    run = ImportRun.objects.get()
    listing = client.get(reverse("admin:imports_importrun_changelist"))
    assert listing.status_code == 200 and "testlist" in listing.content.decode()
    detail = client.get(reverse("admin:imports_importrun_change", args=[run.pk]))
    assert detail.status_code == 200
    assert "&quot;updates_imported&quot;: 4" in detail.content.decode()
    assert client.get(reverse("admin:imports_importrun_add")).status_code == 403
