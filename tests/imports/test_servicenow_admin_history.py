"""Must-show 2: an imported incident reads in the agents' console as the source had it.
INC0001312 of the real log was reassigned (Group 10 -> Group 39), put on hold awaiting the
caller and reopened; its change page's timeline and its history page show each of its
eight source updates at its original time and by its original user."""

import re
from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import dateformat

from imports.engine import import_incidents
from imports.formats import FORMATS
from imports.formats.base import ReadOptions
from incidents.models import Incident
from tests.admin.conftest import client_for
from tests.imports.servicenow_log import header, records, write_slice

NUMBER = "INC0001312"
ZONE = ZoneInfo("UTC")
# The timeline's verb for each source row, in order (common.md's replay rules).
VERBS = ["created", "resolve", "reopen", "updated", "hold", "assigned", "resolve", "close"]


@pytest.fixture
def imported(db, data_dir, tmp_path) -> tuple[Incident, list[dict[str, str]]]:
    rows = [record for _, record in records(data_dir) if record["number"] == NUMBER]
    path = write_slice(tmp_path / f"{NUMBER}.csv", header(data_dir), rows)
    summary = import_incidents(FORMATS["servicenow"](), [path], options=ReadOptions(ZONE))
    assert (summary.created, summary.updates_imported, summary.rejected) == (1, 8, [])
    return Incident.objects.get(number=NUMBER), rows


def _when(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=ZONE)


def _user(text: str) -> str:
    return " ".join(text.split())  # "Updated by 495"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


WORDS = {
    "created": "Logged",
    "resolve": "Resolved",
    "reopen": "Reopened",
    "updated": "Fields edited",
    "hold": "Put on hold",
    "assigned": "Assignment changed",
    "close": "Closed",
}


def test_the_timeline_shows_each_update_at_its_time_by_its_user(imported, agent):
    incident, rows = imported
    # Group 10/Resolver 139 -> Group 39 (none) -> Group 39/Resolver 194: one move to
    # another group, as the source counts.
    assert (incident.reassignment_count, incident.reopen_count) == (1, 1)

    page = client_for(agent).get(reverse("admin:incidents_incident_change", args=[incident.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    timeline = html[html.index('<aside id="timeline"') :]
    entries = re.findall(r"<li class=\"event\">(.*?)</li>", timeline, flags=re.S)
    # Newest first, as the page lists them, each in words ("Put on hold", not "hold").
    shown = [
        (re.search(r'<time datetime="([^"]+)"', e)[1], _text(e).split(" · ")[0:2]) for e in entries
    ]
    expected = [
        (_when(r["sys_updated_at"]).isoformat(), [WORDS[verb], _user(r["sys_updated_by"])])
        for r, verb in zip(rows, VERBS, strict=True)
    ]
    assert [(at, [verb.strip(), user.strip()]) for at, (verb, user) in shown] == expected[::-1]


def test_the_history_page_shows_each_update_at_its_time_by_its_user(imported, agent):
    incident, rows = imported

    page = client_for(agent).get(reverse("admin:incidents_incident_history", args=[incident.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    start = html.index('id="change-history"')
    table = html[start : html.index("</table>", start)]
    body_rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], flags=re.S)
    cells = [[_text(c).strip() for c in re.findall(r"<td>(.*?)</td>", r, re.S)] for r in body_rows]
    # Object, date/time, comment, changed by, change reason, changes: newest first.
    shown = [(c[1], c[2], c[3], c[4]) for c in cells]
    expected = [
        (
            dateformat.format(_when(r["sys_updated_at"]), "N j, Y, P"),
            "Created" if line == 2 else "Changed",
            _user(r["sys_updated_by"]),
            f"Imported from servicenow, line {line}",
        )
        for line, r in enumerate(rows, start=2)
    ]
    assert shown == expected[::-1]
    # The reassignment as it happened: Group 10/Resolver 139 -> Group 39 with nobody.
    assert "Assignment group: Group 10 → Group 39" in cells[2][5]
    assert "Assigned to: Resolver 139 → None" in cells[2][5]
    assert "Deleted" not in html
