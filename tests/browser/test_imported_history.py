"""Must-show 2 in a real browser: an agent opens an incident imported from the real
ServiceNow log (INC0001312: reassigned, on hold awaiting the caller, reopened) and reads
its timeline and its history page, each update at its original time and by its original
user. Screenshots of both pages go to ``test-artifacts/screenshots/``."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from imports.engine import import_incidents
from imports.formats import FORMATS
from imports.formats.base import ReadOptions
from incidents.models import Incident
from tests.browser.conftest import admin_login
from tests.imports.servicenow_log import header, records, write_slice
from tests.imports.test_servicenow_admin_history import NUMBER, VERBS, ZONE

ORIGINAL = [
    # (time as the admin shows it in UTC, verb, user) of the 8 source rows, oldest first
    ("March 2, 2016, 1:41 p.m.", "created", "Updated by 495"),
    ("April 6, 2016, 2:29 p.m.", "resolve", "Updated by 495"),
    ("April 6, 2016, 4:31 p.m.", "reopen", "Updated by 351"),
    ("April 6, 2016, 4:31 p.m.", "updated", "Updated by 351"),
    ("April 14, 2016, 9:57 a.m.", "hold", "Updated by 495"),
    ("April 25, 2016, 10:50 a.m.", "assigned", "Updated by 495"),
    ("April 25, 2016, 11:16 a.m.", "resolve", "Updated by 748"),
    ("April 30, 2016, 12:07 p.m.", "close", "Updated by 908"),
]
# What the timeline says for each verb: words, not the verb.
WORDS = {
    "created": "Logged",
    "resolve": "Resolved",
    "reopen": "Reopened",
    "updated": "Fields edited",
    "hold": "Put on hold",
    "assigned": "Assignment changed",
    "close": "Closed",
}


@pytest.fixture
def data_dir() -> Path:
    """As ``tests/imports/conftest.py``: the shared logs, loudly missing."""
    path = Path(
        os.environ.get("SERVICEDESK_DATA_DIR") or Path(settings.BASE_DIR).parent / "shared" / "data"
    )
    if not path.is_dir():
        pytest.fail(f"the real logs are missing: {path} (set SERVICEDESK_DATA_DIR)")
    return path


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_imported_incident_reads_as_the_source_had_it(
    page, live_server, screenshot, agent, data_dir, tmp_path
):
    rows = [record for _, record in records(data_dir) if record["number"] == NUMBER]
    path = write_slice(tmp_path / f"{NUMBER}.csv", header(data_dir), rows)
    import_incidents(FORMATS["servicenow"](), [path], options=ReadOptions(ZONE))
    incident = Incident.objects.get(number=NUMBER)
    assert [verb for _, verb, _ in ORIGINAL] == VERBS

    admin_login(page, live_server.url, "alice", "pw-alice")
    page.goto(f"{live_server.url}/admin/incidents/incident/{incident.pk}/change/")
    entries = page.locator("#timeline li.event")
    expect(entries).to_have_count(8)
    for entry, (when, verb, user) in zip(
        [entries.nth(i) for i in range(8)], reversed(ORIGINAL), strict=True
    ):
        expect(entry).to_contain_text(WORDS[verb])
        expect(entry).to_contain_text(f"· {user} · {when}")
    page.locator("#timeline").scroll_into_view_if_needed()
    screenshot("incident-timeline")

    page.goto(f"{live_server.url}/admin/incidents/incident/{incident.pk}/history/")
    rows_shown = page.locator("#change-history tbody tr")
    expect(rows_shown).to_have_count(8)
    for index, (when, _verb, user) in enumerate(reversed(ORIGINAL)):
        cells = rows_shown.nth(index).locator("td")
        expect(cells.nth(1)).to_have_text(when)
        expect(cells.nth(3)).to_have_text(user)
        expect(cells.nth(4)).to_contain_text("Imported from servicenow, line ")
    screenshot("incident-history")
